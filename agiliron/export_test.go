package agiliron

// Exported for the external tests (package agiliron_test) only.
var (
	CompactJSON = compactJSON
	CompactXML  = compactXML
	SeedLeads   = seedLeads
	JSONString  = jsonString
	DocContact  = docContact
	DocAccount  = docAccount
)
