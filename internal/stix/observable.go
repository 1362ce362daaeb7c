package stix

import (
	"encoding/json"
	"sort"
)

// Observable is a value an object names, for correlation. Object is the SCO
// type ("ipv4-addr", "domain-name", "file", "autonomous-system"…), Path the
// property ("value", "hashes.'SHA-256'", "number", "name") and Value the
// literal as written (not normalised: correlation decides how to compare).
type Observable struct {
	Object, Path, Value string
}

// scoValueProps are the SCO types whose identifying property is "value".
var scoValueProps = map[string]bool{
	"ipv4-addr": true, "ipv6-addr": true, "domain-name": true, "url": true,
	"email-addr": true, "mac-addr": true,
}

// Observables returns the values an object names: for an indicator with
// pattern_type "stix", the equality and IN comparisons of its pattern (not
// those under NOT or !=); for an SCO, its identifying values (ipv4-addr value,
// file hashes and name…); for observed-data, those of its embedded "objects".
// Other types give nil, nil. The error is a *valid.Error naming the property
// when the object or its pattern cannot be read.
func Observables(raw []byte) ([]Observable, error) {
	var head struct {
		Type        string                     `json:"type"`
		Pattern     string                     `json:"pattern"`
		PatternType string                     `json:"pattern_type"`
		Objects     map[string]json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, jsonError(err)
	}
	switch {
	case head.Type == "indicator":
		if head.PatternType != "stix" || head.Pattern == "" {
			return nil, nil
		}
		p, err := ParsePattern(head.Pattern)
		if err != nil {
			return nil, patternError(head.Pattern, err)
		}
		return p.Observables(), nil
	case head.Type == "observed-data":
		return observedDataObservables(head.Objects)
	case isSCOType(head.Type):
		return scoObservables(raw)
	}
	return nil, nil
}

// observedDataObservables collects the observables of the deprecated but
// common embedded "objects" dictionary, in key order for stable output.
func observedDataObservables(objects map[string]json.RawMessage) ([]Observable, error) {
	keys := make([]string, 0, len(objects))
	for k := range objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Observable
	for _, k := range keys {
		obs, err := scoObservables(objects[k])
		if err != nil {
			return nil, prefixField(err, "objects."+k)
		}
		out = append(out, obs...)
	}
	return out, nil
}

// scoObservables returns the identifying values of one cyber-observable.
func scoObservables(raw []byte) ([]Observable, error) {
	var sco struct {
		Type   string            `json:"type"`
		Value  json.RawMessage   `json:"value"`
		Number json.RawMessage   `json:"number"`
		Name   string            `json:"name"`
		Key    string            `json:"key"`
		Hashes map[string]string `json:"hashes"`
	}
	if err := json.Unmarshal(raw, &sco); err != nil {
		return nil, jsonError(err)
	}
	var out []Observable
	if scoValueProps[sco.Type] {
		if v, ok := jsonScalarText(sco.Value); ok && v != "" {
			out = append(out, Observable{Object: sco.Type, Path: "value", Value: v})
		}
	}
	switch sco.Type {
	case "file":
		out = append(out, hashObservables(sco.Type, sco.Hashes)...)
		if sco.Name != "" {
			out = append(out, Observable{Object: "file", Path: "name", Value: sco.Name})
		}
	case "mutex":
		if sco.Name != "" {
			out = append(out, Observable{Object: "mutex", Path: "name", Value: sco.Name})
		}
	case "windows-registry-key":
		if sco.Key != "" {
			out = append(out, Observable{Object: sco.Type, Path: "key", Value: sco.Key})
		}
	case "autonomous-system":
		if v, ok := jsonScalarText(sco.Number); ok {
			out = append(out, Observable{Object: sco.Type, Path: "number", Value: v})
		}
	case "artifact", "x509-certificate":
		out = append(out, hashObservables(sco.Type, sco.Hashes)...)
	}
	return out, nil
}

// hashObservables lists hashes in a stable order, algorithm names spelled
// as the vocabulary does: known algorithms strongest first, then the others
// alphabetically.
func hashObservables(objType string, hashes map[string]string) []Observable {
	canon := make(map[string]string, len(hashes))
	for alg, v := range hashes {
		if v != "" {
			canon[canonicalHashName(alg)] = v
		}
	}
	var out []Observable
	for _, alg := range hashPreference {
		if v, ok := canon[alg]; ok {
			out = append(out, Observable{Object: objType, Path: hashPath(alg), Value: v})
			delete(canon, alg)
		}
	}
	rest := make([]string, 0, len(canon))
	for alg := range canon {
		rest = append(rest, alg)
	}
	sort.Strings(rest)
	for _, alg := range rest {
		out = append(out, Observable{Object: objType, Path: hashPath(alg), Value: canon[alg]})
	}
	return out
}

// hashPath writes the object path of a hash as a pattern would:
// hashes.'SHA-256' (quoted, since the key holds a hyphen), hashes.MD5.
func hashPath(alg string) string {
	return "hashes." + pathKey(alg)
}
