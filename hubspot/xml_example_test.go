package hubspot_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"

	"github.com/crmbatch/crmbatch/hubspot"
)

// Read a create input kept in XML and send it on as HubSpot's JSON: the
// properties come as <property name="…"> elements, in any order, and
// encode in sorted order.
func ExampleProperties_xml() {
	doc := `<input>
  <properties>
    <property name="firstname">Ada</property>
    <property name="email">ada@example.com</property>
  </properties>
  <objectWriteTraceId>row-17</objectWriteTraceId>
</input>`
	var in hubspot.CreateInput
	if err := xml.Unmarshal([]byte(doc), &in); err != nil {
		fmt.Println(err)
		return
	}
	js, _ := json.Marshal(in)
	fmt.Println(string(js))
	x, _ := xml.Marshal(in)
	fmt.Println(string(x))
	// Output:
	// {"properties":{"email":"ada@example.com","firstname":"Ada"},"associations":null,"objectWriteTraceId":"row-17"}
	// <input><properties><property name="email">ada@example.com</property><property name="firstname">Ada</property></properties><associations></associations><objectWriteTraceId>row-17</objectWriteTraceId></input>
}
