// Package stix reads, writes and checks STIX 2.1 content: timestamps kept as
// the exact text received (a version is identified by its text), the common
// envelope of any object, bundles, TLP marking definitions, typed objects that
// round-trip every property they do not know, validation against the MUST
// rules of the specification, and the STIX patterning language with the
// observables a pattern names for correlation.
//
// It holds no storage and no HTTP: the intel store, MISP import/export and the
// TAXII server call it.
//
// Creating objects: fill the struct of the type (or call a constructor such
// as NewIndicator, which sets spec_version "2.1", a fresh id and created =
// modified = the instant given) and call Encode. Reading: Decode returns an
// Object whose concrete type is one of the structs here, or *Custom for types
// this package does not model; Encode writes it back with every unknown
// property kept.
package stix
