package stix

// The STIX Cyber-observable Objects (section 6) that correlation uses. Other
// SCO types decode to *Custom with everything kept.

// IPv4Addr is one IPv4 address or CIDR block.
type IPv4Addr struct {
	Common
	Value          string   `json:"value"`
	ResolvesToRefs []string `json:"resolves_to_refs,omitzero"`
	BelongsToRefs  []string `json:"belongs_to_refs,omitzero"`
}

// IPv6Addr is one IPv6 address or CIDR block.
type IPv6Addr struct {
	Common
	Value          string   `json:"value"`
	ResolvesToRefs []string `json:"resolves_to_refs,omitzero"`
	BelongsToRefs  []string `json:"belongs_to_refs,omitzero"`
}

// DomainName is a network domain name.
type DomainName struct {
	Common
	Value          string   `json:"value"`
	ResolvesToRefs []string `json:"resolves_to_refs,omitzero"`
}

// URL is a uniform resource locator.
type URL struct {
	Common
	Value string `json:"value"`
}

// EmailAddr is an e-mail address.
type EmailAddr struct {
	Common
	Value        string `json:"value"`
	DisplayName  string `json:"display_name,omitempty"`
	BelongsToRef string `json:"belongs_to_ref,omitempty"`
}

// File is a computer file, identified by its hashes or name.
type File struct {
	Common
	Hashes             map[string]string `json:"hashes,omitzero"`
	Size               *int64            `json:"size,omitempty"`
	Name               string            `json:"name,omitempty"`
	NameEnc            string            `json:"name_enc,omitempty"`
	MagicNumberHex     string            `json:"magic_number_hex,omitempty"`
	MimeType           string            `json:"mime_type,omitempty"`
	Ctime              Timestamp         `json:"ctime,omitzero"`
	Mtime              Timestamp         `json:"mtime,omitzero"`
	Atime              Timestamp         `json:"atime,omitzero"`
	ParentDirectoryRef string            `json:"parent_directory_ref,omitempty"`
	ContainsRefs       []string          `json:"contains_refs,omitzero"`
	ContentRef         string            `json:"content_ref,omitempty"`
}

// AutonomousSystem is an autonomous system, by number.
type AutonomousSystem struct {
	Common
	Number int64  `json:"number"`
	Name   string `json:"name,omitempty"`
	RIR    string `json:"rir,omitempty"`
}
