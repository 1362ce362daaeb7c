package misp

import (
	"encoding/json"
)

// Object is a MISP object: attributes grouped by a template ("file",
// "domain-ip", "email"...), each attribute naming its role in
// ObjectRelation, with references to other objects or attributes.
type Object struct {
	UUID            string
	Name            string // the template name
	MetaCategory    string
	Description     string
	TemplateUUID    string
	TemplateVersion string
	Comment         string
	Distribution    Distribution
	SharingGroupID  string
	Timestamp       int64
	Deleted         bool
	FirstSeen       string
	LastSeen        string
	Attributes      []Attribute
	References      []ObjectReference
	Extra           map[string]json.RawMessage
}

// ObjectReference links an object (ObjectUUID) to another object or an
// attribute (ReferencedUUID) with a relationship such as "related-to".
type ObjectReference struct {
	UUID             string
	ObjectUUID       string
	ReferencedUUID   string
	RelationshipType string
	Comment          string
	Timestamp        int64
	Deleted          bool
	Extra            map[string]json.RawMessage
}

// EventReport is a MISP event report: a Markdown text attached to an event.
type EventReport struct {
	UUID           string
	Name           string
	Content        string
	Distribution   Distribution
	SharingGroupID string
	Timestamp      int64
	Deleted        bool
	Extra          map[string]json.RawMessage
}

// parseObject reads one opened object.
func parseObject(f *fields) Object {
	o := Object{
		UUID:            f.str("uuid"),
		Name:            f.str("name"),
		MetaCategory:    f.str("meta-category"),
		Description:     f.str("description"),
		TemplateUUID:    f.str("template_uuid"),
		TemplateVersion: f.str("template_version"),
		Comment:         f.str("comment"),
		Distribution:    f.distribution("distribution", true),
		SharingGroupID:  f.str("sharing_group_id"),
		Timestamp:       f.num("timestamp", 0),
		Deleted:         f.boolean("deleted"),
		FirstSeen:       f.str("first_seen"),
		LastSeen:        f.str("last_seen"),
	}
	f.objects("Attribute", func(sub *fields) {
		if a, ok := parseAttribute(sub); ok {
			o.Attributes = append(o.Attributes, a)
		}
	})
	f.objects("ObjectReference", func(sub *fields) { o.References = append(o.References, parseReference(sub)) })
	o.Extra = f.rest()
	return o
}

// fields returns the object's known properties as MISP writes them.
func (o Object) fields() doc {
	d := doc{}
	d.str("uuid", o.UUID)
	d.str("name", o.Name)
	d.str("meta-category", o.MetaCategory)
	d.str("description", o.Description)
	d.str("template_uuid", o.TemplateUUID)
	d.str("template_version", o.TemplateVersion)
	d.str("comment", o.Comment)
	d.level("distribution", int(o.Distribution))
	d.str("sharing_group_id", o.SharingGroupID)
	d.num("timestamp", o.Timestamp)
	d.flag("deleted", o.Deleted)
	d.str("first_seen", o.FirstSeen)
	d.str("last_seen", o.LastSeen)
	listOf(d, "Attribute", o.Attributes)
	listOf(d, "ObjectReference", o.References)
	return d
}

// MarshalJSON writes the object as MISP does.
func (o Object) MarshalJSON() ([]byte, error) { return encode(o.fields(), o.Extra) }

// parseReference reads one opened object reference.
func parseReference(f *fields) ObjectReference {
	r := ObjectReference{
		UUID:             f.str("uuid"),
		ObjectUUID:       f.str("object_uuid"),
		ReferencedUUID:   f.str("referenced_uuid"),
		RelationshipType: f.str("relationship_type"),
		Comment:          f.str("comment"),
		Timestamp:        f.num("timestamp", 0),
		Deleted:          f.boolean("deleted"),
	}
	r.Extra = f.rest()
	return r
}

// MarshalJSON writes the reference as MISP does.
func (r ObjectReference) MarshalJSON() ([]byte, error) {
	d := doc{}
	d.str("uuid", r.UUID)
	d.str("object_uuid", r.ObjectUUID)
	d.str("referenced_uuid", r.ReferencedUUID)
	d.str("relationship_type", r.RelationshipType)
	d.str("comment", r.Comment)
	d.num("timestamp", r.Timestamp)
	d.flag("deleted", r.Deleted)
	return encode(d, r.Extra)
}

// parseEventReport reads one opened event report.
func parseEventReport(f *fields) EventReport {
	r := EventReport{
		UUID:           f.str("uuid"),
		Name:           f.str("name"),
		Content:        f.str("content"),
		Distribution:   f.distribution("distribution", true),
		SharingGroupID: f.str("sharing_group_id"),
		Timestamp:      f.num("timestamp", 0),
		Deleted:        f.boolean("deleted"),
	}
	r.Extra = f.rest()
	return r
}

// fields returns the report's known properties as MISP writes them.
func (r EventReport) fields() doc {
	d := doc{}
	d.str("uuid", r.UUID)
	d.str("name", r.Name)
	d.str("content", r.Content)
	d.level("distribution", int(r.Distribution))
	d.str("sharing_group_id", r.SharingGroupID)
	d.num("timestamp", r.Timestamp)
	d.flag("deleted", r.Deleted)
	return d
}

// MarshalJSON writes the event report as MISP does.
func (r EventReport) MarshalJSON() ([]byte, error) { return encode(r.fields(), r.Extra) }
