package api

import (
	"fmt"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/valid"
)

// all returns every value of a repeatable parameter; a value may also list
// several separated by commas (?type=indicator,report).
func (q *query) all(name string) []string {
	var out []string
	for _, v := range q.values[name] {
		if !cleanText(v) {
			q.es.Add(name, "text.invalid", badTextMessage, nil)
			return nil
		}
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}

// boolean reads true or false; absent is nil.
func (q *query) boolean(name string) *bool {
	switch v := q.get(name); v {
	case "":
		return nil
	case "true", "false":
		b := v == "true"
		return &b
	default:
		q.es.Add(name, "intelapi.boolean", "Write true or false.", map[string]any{"Value": v})
		return nil
	}
}

// timestamp reads an RFC 3339 time; absent is the zero time.
func (q *query) timestamp(name string) time.Time {
	v := q.get(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		q.es = append(q.es, valid.List(timestampError(name, v))...)
	}
	return t
}

// tlps reads levels of TLP 2.0 (clear, green, amber, amber+strict, red).
// A "+" left unescaped in a query string arrives as a space, so
// "amber strict" is read as amber+strict.
func (q *query) tlps(name string) []access.TLP {
	var out []access.TLP
	for _, v := range q.all(name) {
		t, err := parseTLP(name, v)
		if err != nil {
			q.es = append(q.es, valid.List(err)...)
			continue
		}
		out = append(out, t)
	}
	return out
}

func parseTLP(field, v string) (access.TLP, error) {
	t := normalTLP(v)
	if !access.ValidTLP(t) {
		return "", valid.New(field, intel.CodeTLP, fmt.Sprintf("%q is not a TLP 2.0 level: clear, green, amber, amber+strict or red.", v),
			map[string]any{"Value": v})
	}
	return t, nil
}

// normalTLP reads a level as people write it: any case, with or without
// "TLP:", and "amber strict" for amber+strict (a "+" left unescaped in a
// query string arrives as a space). Whether it is a level is the store's
// to say.
func normalTLP(v string) access.TLP {
	v = strings.ToLower(strings.TrimSpace(v))
	return access.TLP(strings.ReplaceAll(strings.TrimPrefix(v, "tlp:"), " ", "+"))
}

func timestampError(field, v string) error {
	return valid.New(field, "intelapi.timestamp",
		fmt.Sprintf("%q is not a timestamp: write RFC 3339 in UTC, e.g. 2026-01-31T12:00:00Z.", v), map[string]any{"Value": v})
}

// intelFilter reads the filters of a list of objects.
func intelFilter(q *query) intel.Filter {
	cursor, limit := q.page()
	f := intel.Filter{Collection: q.get("collection"), AddedAfter: q.timestamp("added_after"), Types: q.all("type"),
		Query: strings.TrimSpace(q.get("q")), OrgID: q.get("org"), TLPs: q.tlps("tlp"), Revoked: q.boolean("revoked"),
		Limit: limit, Next: cursor, NewestFirst: true}
	switch order := q.get("order"); order {
	case "", "newest":
	case "oldest":
		f.NewestFirst = false
	default:
		q.es.Add("order", "intelapi.order", "Write newest or oldest.", map[string]any{"Value": order})
	}
	return f
}

// sharingQuery reads the sharing of an upload from its query string:
// ?tlp=amber&members=true&group=<id>&org=<id> (group and org repeat).
// Without tlp each object keeps its own TLP marking, or is AMBER when it
// has none; with it, the stricter of the two. Without members, groups or
// orgs the objects reach only the own organisation. The store checks the
// whole (a TLP level, groups the organisation is in, no TLP:RED to all
// members) and refuses it naming the field.
func sharingQuery(q *query) intel.Sharing {
	sh := intel.Sharing{TLP: normalTLP(q.get("tlp")), Groups: q.all("group"), Orgs: q.all("org")}
	if m := q.boolean("members"); m != nil {
		sh.Members = *m
	}
	return sh
}

// sharingInput is a marking and distribution in a request body.
type sharingInput struct {
	TLP     string   `json:"tlp"`
	Members bool     `json:"members"`
	Groups  []string `json:"groups"`
	Orgs    []string `json:"orgs"`
}

// sharing is the input as the store takes it (and checks it).
func (in sharingInput) sharing() intel.Sharing {
	return intel.Sharing{TLP: normalTLP(in.TLP), Members: in.Members, Groups: in.Groups, Orgs: in.Orgs}
}

// nestSharingErrors renames the fields of the store's errors about a
// sharing ("members", "groups[1]", and "tlp" when withTLP) to where they
// are in the request body ("write.members"), so the 422 names the field
// the client sent.
func nestSharingErrors(err error, prefix string, withTLP bool) error {
	es := valid.List(err)
	for _, e := range es {
		f := e.Field
		if f == "members" || strings.HasPrefix(f, "groups") || strings.HasPrefix(f, "orgs") || (withTLP && f == "tlp") {
			e.Field = prefix + f
		}
	}
	if es == nil {
		return err
	}
	return es
}

// queryFieldNames renames the store's errors about groups and orgs
// ("groups[1]") to the query parameters they came from ("group").
func queryFieldNames(err error) error {
	es := valid.List(err)
	for _, e := range es {
		if strings.HasPrefix(e.Field, "groups[") {
			e.Field = "group"
		} else if strings.HasPrefix(e.Field, "orgs[") {
			e.Field = "org"
		}
	}
	if es == nil {
		return err
	}
	return es
}

// cursorField renames the store's error about a paging cursor ("next") to
// the query parameter it came from ("cursor").
func cursorField(err error) error {
	es := valid.List(err)
	for _, e := range es {
		if e.Field == "next" {
			e.Field = "cursor"
		}
	}
	if es == nil {
		return err
	}
	return es
}
