package parsers

// ShadowserverSchema is Shadowserver's published report schema (the
// intelmq.json of https://interchange.shadowserver.org/intelmq/v1/schema):
// for each report type, its columns and the harmonisation field each maps
// to. One parser serves every report type through it.
type ShadowserverSchema struct {
}
