package parsers

import (
	"io"
	"strings"

	"atalaya/internal/event"
)

// anubisParser reads the AnubisNetworks (BitSight) Cyberfeed stream: JSON
// objects, one per line (a pretty-printed object or an array of them is
// read too), each a connection from an infected host to a sinkhole, as
// IntelMQ's anubisnetworks parser does (with the malware family as
// classification.identifier). Nested keys are flattened to dotted paths;
// those without an event field are kept as extra.<path> rather than
// failing the record as IntelMQ does with keys it does not know.
type anubisParser struct{ tmpl template }

func newAnubisParser(cfg Config) (Parser, error) {
	tmpl, err := newTemplate(cfg.Constants)
	if err != nil {
		return nil, err
	}
	return &anubisParser{tmpl: tmpl}, nil
}

// anubisFields maps flattened paths to event fields.
var anubisFields = map[string]string{
	"trojanfamily":    "malware.name",
	"env.remote_addr": "source.ip", "env.remote_port": "source.port",
	"env.server_addr": "destination.ip", "env.server_port": "destination.port",
	"env.server_name": "destination.fqdn",
	"src.ip":          "source.ip", "src.port": "source.port",
	"dst.ip": "destination.ip", "dst.port": "destination.port",
	"_geo_env_remote_addr.country_code": "source.geolocation.cc",
	"_geo_env_remote_addr.asn":          "source.asn",
	"_geo_env_remote_addr.asn_name":     "source.as_name",
	"_geo_src_ip.country_code":          "source.geolocation.cc",
	"_geo_src_ip.asn":                   "source.asn",
	"_geo_src_ip.asn_name":              "source.as_name",
	"app_proto":                         "protocol.application",
	"comm.proto":                        "protocol.application",
	"malw.family":                       "classification.identifier",
	"malw.variant":                      "malware.name",
	"comm.http.host":                    "destination.fqdn",
	"comm.dns.name":                     "destination.fqdn",
	"qtype":                             "extra.dns_query_type",
	"comm.dns.qtype":                    "extra.dns_query_type",
}

// Parse reads one input.
func (p *anubisParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	flat := make(map[string]any)
	_, err := eachJSONObject(r, maxRecord, "", reject, func(line int, raw string, obj map[string]any) error {
		clear(flat)
		flatten(flat, "", obj)
		p.tmpl.reset(&e, len(flat))
		if bad := p.record(&e, line, raw, flat); bad != nil {
			reject(*bad)
			return nil
		}
		return emit(line, &e)
	})
	return err
}

func (p *anubisParser) record(e *event.Event, line int, raw string, flat map[string]any) *event.Rejected {
	for _, k := range sortedAnyKeys(flat) {
		v := jsonText(flat[k])
		switch {
		case k == "_ts":
			if err := setField(e, "time.source", v); err != nil {
				rej := event.Reject(line, raw, err)
				return &rej
			}
		case anubisFields[k] == "source.ip":
			if err := setField(e, "source.ip", v); err != nil {
				rej := event.Reject(line, raw, err)
				return &rej
			}
		case anubisFields[k] != "":
			setOrExtra(e, anubisFields[k], v, k)
		default:
			putExtra(e, k, v)
		}
	}
	for _, geo := range []string{"_geo_env_remote_addr", "_geo_src_ip"} {
		ip, mask := jsonText(flat[geo+".ip"]), jsonText(flat[geo+".netmask"])
		if ip != "" && mask != "" && !e.SourceNetwork.IsValid() {
			setOrExtra(e, "source.network", ip+"/"+mask, geo+".network")
		}
	}
	if host, path := jsonText(flat["comm.http.host"]), jsonText(flat["comm.http.path"]); host != "" && path != "" {
		scheme := strings.ToLower(jsonText(flat["comm.proto"]))
		if scheme != "https" {
			scheme = "http"
		}
		setOrExtra(e, "destination.url", scheme+"://"+host+path, "comm.http.url")
	}
	defaultClass(e, "malicious-code", "infected-system")
	if e.Description == "" {
		e.Description = "Sinkhole attempted connection"
	}
	e.Raw = raw
	return nil
}

// flatten writes obj's values into out under dotted paths; arrays stay
// whole.
func flatten(out map[string]any, prefix string, obj map[string]any) {
	for k, v := range obj {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		if m, ok := v.(map[string]any); ok {
			flatten(out, path, m)
			continue
		}
		out[path] = v
	}
}
