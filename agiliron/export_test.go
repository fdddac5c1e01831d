package agiliron

// Exported for the external tests (package agiliron_test) only.
var (
	Sample      = sample
	CompactJSON = compactJSON
	CompactXML  = compactXML
	SeedLeads   = seedLeads
	JSONString  = jsonString
	DocContact  = docContact
	DocAccount  = docAccount
)
