package parsers

import (
	"bytes"
	"encoding/json"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/event"
	"atalaya/internal/misp"
)

// mispParser reads a MISP event as a MISP feed serves it ({"Event": {...}},
// also a bare event, a list of events or an API answer), as IntelMQ's misp
// parser does: each attribute of a network category (Network activity,
// Payload delivery, Payload installation, Artifacts dropped) whose type
// names an address, a domain or a URL becomes an event; so do those inside
// the event's objects. Deleted attributes give nothing. The "line" of an
// event is its attribute's number in the document, from 1: the event's
// attributes first, then each object's, in order.
//
// Classification comes from the RSIT or eCSIRT machine tags of the
// attribute, else of the event (ecsirt:malicious-code="ransomware" is
// infected-system, through the event package's legacy names); without
// one, the feed's constants, else undetermined. TLP is the strictest tlp:
// tag of the event and the attribute. The malware comes from a malware
// galaxy tag (misp-galaxy:banker="Gozi") or a "Payload type" attribute.
type mispParser struct{ kit feedKit }

func newMISPParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &mispParser{kit: k}, err
}

// mispCategories are the attribute categories IntelMQ reads: those whose
// addresses and names are the incident's infrastructure.
var mispCategories = map[string]bool{
	"Network activity": true, "Payload delivery": true,
	"Payload installation": true, "Artifacts dropped": true,
}

// mispGalaxies are the galaxies whose clusters name malware.
var mispGalaxies = []string{"malpedia", "banker", "ransomware", "botnet", "rat", "stealer",
	"backdoor", "android", "exploit-kit", "tds"}

func (p *mispParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	data, err := io.ReadAll(io.LimitReader(r, kitMaxDocument+1))
	if err != nil {
		return err
	}
	if len(data) > kitMaxDocument {
		kitRefuse(reject, 1, string(data[:4096]), kitLineError(kitCodeDocument, "the MISP document is larger than 256 MiB", nil))
		return nil
	}
	events, err := misp.ParseEvents(bytes.NewReader(data))
	if err != nil {
		// The document as a whole does not read: its start shows which.
		kitRefuse(reject, 1, string(data[:min(len(data), 4096)]), err)
		return nil
	}
	n := 0
	var e event.Event
	for _, ev := range events {
		ctx := mispContext(ev)
		attrs := ev.Attributes
		for _, o := range ev.Objects {
			attrs = append(attrs[:len(attrs):len(attrs)], o.Attributes...)
		}
		for i := range attrs {
			n++
			a := &attrs[i]
			if a.Deleted || !mispCategories[a.Category] || mispFields[a.Type] == nil {
				continue
			}
			raw, _ := json.Marshal(a) // an attribute parsed from JSON writes back
			if err := p.attribute(&e, ctx, a, string(raw)); err != nil {
				kitRefuse(reject, n, string(raw), err)
				continue
			}
			if err := emit(n, &e); err != nil {
				return err
			}
		}
	}
	return nil
}

// mispEvent is what every attribute of one MISP event shares.
type mispEvent struct {
	ev      *misp.Event
	class   [2]string // taxonomy, type from the event's tags
	malware string
	when    time.Time
}

func mispContext(ev *misp.Event) mispEvent {
	c := mispEvent{ev: ev, class: mispClass(ev.Tags), malware: mispMalware(ev.Tags)}
	if c.malware == "" {
		for _, a := range ev.Attributes {
			if a.Category == "Payload type" && !a.Deleted {
				c.malware = strings.ToLower(a.Value)
			}
		}
	}
	switch {
	case ev.Timestamp > 0:
		c.when = time.Unix(ev.Timestamp, 0)
	case ev.Date != "":
		c.when, _ = time.Parse(time.DateOnly, ev.Date)
	}
	return c
}

// mispFields maps the attribute types read to the fields their value (or
// the parts of a composite value, "domain|ip") fill.
var mispFields = map[string][]string{
	"ip-src": {"source.ip"}, "ip-dst": {"source.ip"},
	"ip-src|port": {"source.ip", "source.port"}, "ip-dst|port": {"source.ip", "source.port"},
	"domain": {"source.fqdn"}, "hostname": {"source.fqdn"},
	"domain|ip": {"source.fqdn", "source.ip"}, "hostname|port": {"source.fqdn", "source.port"},
	"url": {"source.url"},
}

// attribute builds the event of one attribute.
func (p *mispParser) attribute(e *event.Event, ctx mispEvent, a *misp.Attribute, raw string) error {
	p.kit.start(e, nil)
	fields := mispFields[a.Type]
	parts := strings.SplitN(a.Value, "|", len(fields))
	if len(parts) != len(fields) {
		return kitLineError(kitCodeBadValue, "a "+a.Type+" attribute holds "+strconv.Itoa(len(fields))+" values separated by |",
			map[string]any{"Value": a.Value})
	}
	for i, f := range fields {
		if err := mispSet(e, f, parts[i]); err != nil {
			return err
		}
	}
	class := mispClass(a.Tags)
	if class[0] == "" {
		class = ctx.class
	}
	if class[0] != "" {
		_ = e.Set("classification.taxonomy", class[0])
		_ = e.Set("classification.type", class[1])
	} else if e.Taxonomy == "" && e.Type == "" {
		_ = e.Set("classification.taxonomy", "other")
		_ = e.Set("classification.type", "undetermined")
	}
	malware := mispMalware(a.Tags)
	if malware == "" {
		malware = ctx.malware
	}
	kitSetLoose(e, "malware.name", malware)
	if level, ok := misp.TLPFromTags(append(ctx.ev.Tags[:len(ctx.ev.Tags):len(ctx.ev.Tags)], a.Tags...)); ok {
		_ = e.Set("tlp", level)
	}
	when := ctx.when
	if a.Timestamp > 0 {
		when = time.Unix(a.Timestamp, 0)
	}
	if !when.IsZero() {
		_ = kitSetTime(e, when)
	}
	kitSetLoose(e, "event_description.text", ctx.ev.Info)
	kitPutExtra(e, "misp.event_uuid", ctx.ev.UUID)
	kitPutExtra(e, "misp.attribute_uuid", a.UUID)
	kitPutExtra(e, "misp.category", a.Category)
	kitPutExtra(e, "comment", a.Comment)
	return kitSetRaw(e, raw)
}

// mispSet sets one value of an attribute: an address may be a network.
func mispSet(e *event.Event, field, value string) error {
	value = strings.TrimSpace(value)
	switch field {
	case "source.ip":
		if strings.Contains(value, "/") {
			if pfx, err := netip.ParsePrefix(value); err == nil && pfx.IsSingleIP() {
				return e.Set(field, pfx.Addr().String())
			}
			return kitSetNetwork(e, value)
		}
	case "source.url":
		if err := e.Set(field, value); err != nil {
			return err
		}
		kitSetHostOf(e, value)
		return nil
	}
	return e.Set(field, value)
}

// mispClass returns the classification the first RSIT or eCSIRT machine
// tag among tags gives: rsit:<taxonomy>="<type>", ecsirt:... with IntelMQ's
// legacy type names. The type decides the taxonomy (each RSIT type has one),
// so an eCSIRT tag that pairs them otherwise still classifies well.
func mispClass(tags []misp.Tag) [2]string {
	for _, t := range tags {
		ns, rest, ok := strings.Cut(strings.TrimSpace(t.Name), ":")
		if !ok || (ns != "rsit" && ns != "ecsirt") {
			continue
		}
		_, value, ok := strings.Cut(rest, "=")
		if !ok {
			continue
		}
		typ, ok := event.RSITType(strings.Trim(value, `"`))
		if !ok {
			continue
		}
		return [2]string{event.TaxonomyOf(typ), typ}
	}
	return [2]string{}
}

// mispMalware returns the cluster value of the first malware galaxy tag.
func mispMalware(tags []misp.Tag) string {
	for _, t := range tags {
		rest, ok := strings.CutPrefix(strings.TrimSpace(t.Name), "misp-galaxy:")
		if !ok {
			continue
		}
		galaxy, value, ok := strings.Cut(rest, "=")
		if ok && kitHas(mispGalaxies, galaxy) {
			return strings.ToLower(strings.Trim(value, `"`))
		}
	}
	return ""
}
