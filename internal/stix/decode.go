package stix

import (
	"encoding/json"
	"fmt"

	"atalaya/internal/valid"
)

// newObject returns an empty object of the modelled type typ, or nil.
func newObject(typ string) Object {
	switch typ {
	case "attack-pattern":
		return &AttackPattern{}
	case "campaign":
		return &Campaign{}
	case "course-of-action":
		return &CourseOfAction{}
	case "grouping":
		return &Grouping{}
	case "identity":
		return &Identity{}
	case "incident":
		return &Incident{}
	case "indicator":
		return &Indicator{}
	case "infrastructure":
		return &Infrastructure{}
	case "intrusion-set":
		return &IntrusionSet{}
	case "location":
		return &Location{}
	case "malware":
		return &Malware{}
	case "note":
		return &Note{}
	case "observed-data":
		return &ObservedData{}
	case "opinion":
		return &Opinion{}
	case "report":
		return &Report{}
	case "threat-actor":
		return &ThreatActor{}
	case "tool":
		return &Tool{}
	case "vulnerability":
		return &Vulnerability{}
	case "relationship":
		return &Relationship{}
	case "sighting":
		return &Sighting{}
	case "ipv4-addr":
		return &IPv4Addr{}
	case "ipv6-addr":
		return &IPv6Addr{}
	case "domain-name":
		return &DomainName{}
	case "url":
		return &URL{}
	case "email-addr":
		return &EmailAddr{}
	case "file":
		return &File{}
	case "autonomous-system":
		return &AutonomousSystem{}
	case "marking-definition":
		return &MarkingDefinition{}
	case "extension-definition":
		return &ExtensionDefinition{}
	}
	return nil
}

// Decode reads one STIX object into the struct of its type, or into *Custom
// when this package does not model the type. Every property is kept:
// Encode(Decode(raw)) is the same JSON as raw. Errors are *valid.Error values
// naming the property.
func Decode(raw []byte) (Object, error) {
	var head struct {
		Type json.RawMessage `json:"type"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, jsonError(err)
	}
	var typ string
	if len(head.Type) == 0 || json.Unmarshal(head.Type, &typ) != nil || typ == "" {
		return nil, valid.New("type", CodeRequired, "the object has no type (a string)", map[string]any{"Property": "type"})
	}
	o := newObject(typ)
	if o == nil {
		o = &Custom{}
	}
	if err := json.Unmarshal(raw, o); err != nil {
		if list := valid.List(err); list != nil {
			return nil, list
		}
		return nil, jsonError(err)
	}
	return o, nil
}

// Encode writes o as JSON, with the properties kept in Extra.
func Encode(o Object) ([]byte, error) {
	if o == nil {
		return nil, fmt.Errorf("stix: encoding a nil object")
	}
	return marshal(o)
}
