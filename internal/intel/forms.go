package intel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"atalaya/internal/access"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

// IndicatorInput is the indicator form. ID "" creates a new indicator, else
// a new version of that one (properties the form does not show are kept).
type IndicatorInput struct {
	ID                         string
	Name, Description, Pattern string
	PatternType                string // "" -> "stix"
	IndicatorTypes             []string
	ValidFrom, ValidUntil      time.Time // ValidFrom zero -> now
	Labels                     []string
	Confidence                 *int
	Sharing                    Sharing
}

// ReportInput is the report form. ID "" creates a new report.
type ReportInput struct {
	ID                string
	Name, Description string
	ReportTypes       []string
	Published         time.Time // zero -> now
	ObjectRefs        []string  // objects the actor may see
	Labels            []string
	Sharing           Sharing
}

// maxDescription is the longest description a form accepts, in characters.
const maxDescription = 20000

// SaveIndicator creates an indicator, or a new version of one of the
// actor's organisation, and returns it. Bad input is valid.Errors naming the
// form fields (name, pattern, valid_until, confidence, tlp, groups…).
func (s *Store) SaveIndicator(ctx context.Context, a access.Actor, in IndicatorInput) (Object, error) {
	if in.PatternType = strings.TrimSpace(in.PatternType); in.PatternType == "" {
		in.PatternType = "stix"
	}
	in.Pattern = strings.TrimSpace(in.Pattern)
	now := s.now().UTC()
	if in.ValidFrom.IsZero() {
		in.ValidFrom = now
	}
	var errs valid.Errors
	checkText(&errs, "name", in.Name, maxName, true)
	checkText(&errs, "description", in.Description, maxDescription, false)
	switch {
	case in.Pattern == "":
		errs.Add("pattern", CodeRequired, "an indicator needs a pattern", nil)
	case in.PatternType == "stix":
		if _, err := stix.ParsePattern(in.Pattern); err != nil {
			args := map[string]any{"Column": 0, "Detail": err.Error()}
			if pe := (*stix.PatternError)(nil); errors.As(err, &pe) {
				args = map[string]any{"Column": pe.Column, "Detail": pe.Message}
			}
			errs.Add("pattern", stix.CodePattern, "the pattern does not parse: "+err.Error(), args)
		}
	}
	if !in.ValidUntil.IsZero() && !in.ValidUntil.After(in.ValidFrom) {
		errs.Add("valid_until", CodeValidUntil, "valid until must be after valid from", nil)
	}
	if in.Confidence != nil && (*in.Confidence < 0 || *in.Confidence > 100) {
		errs.Add("confidence", CodeConfidence, "confidence goes from 0 to 100", nil)
	}
	checkFormTLP(&errs, in.Sharing.TLP)
	props := map[string]any{
		"name": strings.TrimSpace(in.Name), "description": strings.TrimSpace(in.Description),
		"pattern": in.Pattern, "pattern_type": in.PatternType, "indicator_types": in.IndicatorTypes,
		"valid_from": stix.NewTimestamp(in.ValidFrom).String(), "labels": in.Labels, "confidence": in.Confidence,
	}
	if !in.ValidUntil.IsZero() {
		props["valid_until"] = stix.NewTimestamp(in.ValidUntil).String()
	} else {
		props["valid_until"] = nil
	}
	return s.saveForm(ctx, a, "indicator", in.ID, props, in.Sharing, errs)
}

// SaveReport creates a report, or a new version of one of the actor's
// organisation, and returns it. Every object it refers to must be visible to
// the actor.
func (s *Store) SaveReport(ctx context.Context, a access.Actor, in ReportInput) (Object, error) {
	if in.Published.IsZero() {
		in.Published = s.now()
	}
	var errs valid.Errors
	checkText(&errs, "name", in.Name, maxName, true)
	checkText(&errs, "description", in.Description, maxDescription, false)
	var refs []string
	for i, ref := range in.ObjectRefs {
		if ref = strings.TrimSpace(ref); ref == "" {
			continue
		}
		if _, err := s.Get(ctx, a, ref); err != nil {
			errs.Add(fmt.Sprintf("object_refs[%d]", i), CodeRefUnknown, fmt.Sprintf("no object %q that you can see", ref),
				map[string]any{"Value": ref})
		}
		refs = append(refs, ref)
	}
	if len(refs) == 0 && len(in.ObjectRefs) == 0 {
		errs.Add("object_refs", CodeRequired, "a report refers to at least one object", nil)
	}
	checkFormTLP(&errs, in.Sharing.TLP)
	props := map[string]any{
		"name": strings.TrimSpace(in.Name), "description": strings.TrimSpace(in.Description),
		"report_types": in.ReportTypes, "published": stix.NewTimestamp(in.Published).String(),
		"object_refs": refs, "labels": in.Labels,
	}
	return s.saveForm(ctx, a, "report", in.ID, props, in.Sharing, errs)
}

// checkText checks a typed text's length (and presence when required).
func checkText(errs *valid.Errors, field, v string, max int, required bool) {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		errs.Add(field, CodeRequired, "this field is required", nil)
	case utf8.RuneCountInString(v) > max:
		errs.Add(field, CodeTooLong, fmt.Sprintf("at most %d characters", max), map[string]any{"Max": max})
	}
}

// checkFormTLP requires a TLP level on forms: a person chooses it.
func checkFormTLP(errs *valid.Errors, t access.TLP) {
	if !access.ValidTLP(t) {
		errs.Add("tlp", CodeTLP, "choose a TLP level", map[string]any{"Value": string(t)})
	}
}

// saveForm builds the object from props (on top of the previous version
// when id is given: properties the form does not show are kept; a nil or
// empty value removes one), stores it and returns it.
func (s *Store) saveForm(ctx context.Context, a access.Actor, typ, id string, props map[string]any, sh Sharing, errs valid.Errors) (Object, error) {
	base := map[string]any{}
	action := "intel.create"
	created := stix.NewTimestamp(s.now())
	modified := created
	if id != "" {
		prev, err := s.owned(ctx, a, id, access.EditIntel)
		if err != nil {
			return Object{}, err
		}
		if prev.Type != typ {
			return Object{}, valid.New("id", CodeWrongType, fmt.Sprintf("%s is not a %s", id, typ), nil)
		}
		if err := json.Unmarshal(prev.Raw, &base); err != nil {
			return Object{}, fmt.Errorf("reading %s: %w", id, err)
		}
		action, modified = "intel.update", s.nextModified(prev.Version)
	} else {
		if !access.Can(a, access.CreateIntel, access.Target{OrgID: a.OrgID}) {
			return Object{}, access.ErrDenied
		}
		id = stix.NewID(typ)
		base["created"] = created.String()
	}
	if len(errs) > 0 {
		return Object{}, errs
	}
	base["type"], base["spec_version"], base["id"] = typ, "2.1", id
	base["modified"] = modified.String()
	if _, ok := base["created_by_ref"]; !ok {
		base["created_by_ref"] = IdentityID(a.OrgID)
	}
	base["object_marking_refs"] = []string{stix.TLPMarkingID(string(sh.TLP))}
	for k, v := range props {
		if empty(v) {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	raw, err := json.Marshal(base)
	if err != nil {
		return Object{}, fmt.Errorf("writing %s: %w", typ, err)
	}
	if _, err := s.putOne(ctx, a, raw, sh, action, nil); err != nil {
		return Object{}, err
	}
	return s.Get(ctx, a, id)
}

// empty reports whether a form value means "no such property".
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	case *int:
		return x == nil
	}
	return false
}

// IdentityID returns the STIX identity id that stands for an Atalaya
// organisation (the created_by_ref of what it creates here); the same
// organisation always gets the same id.
func IdentityID(orgID string) string {
	return "identity--" + uuid5("org:"+orgID)
}
