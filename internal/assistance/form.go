package assistance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"atalaya/internal/directory"
)

// normalizeForm trims what people type around values and writes codes in
// their canonical case, so checks and stored values agree.
func normalizeForm(f Form) Form {
	f.Country = strings.ToUpper(strings.TrimSpace(f.Country))
	in := &f.Institution
	for _, p := range []*string{&in.Name, &in.Department, &in.ContactPerson, &in.Email, &in.Phone,
		&f.Need, &f.TopicOther, &f.Beneficiaries, &f.Timeframe, &f.Resources, &f.DonorsApproached} {
		*p = strings.TrimSpace(*p)
	}
	f.Timeframe = strings.ToUpper(f.Timeframe)
	f.Support = slices.Clone(f.Support)
	for i := range f.Support {
		f.Support[i].Kind = SupportKind(strings.TrimSpace(string(f.Support[i].Kind)))
		f.Support[i].Details = strings.TrimSpace(f.Support[i].Details)
	}
	f.Topics = slices.Clone(f.Topics)
	for i := range f.Topics {
		f.Topics[i] = Topic(strings.TrimSpace(string(f.Topics[i])))
	}
	f.Partners = slices.Clone(f.Partners)
	for i := range f.Partners {
		f.Partners[i].Name = strings.TrimSpace(f.Partners[i].Name)
	}
	return f
}

// checkForm checks a form. A draft (complete false) may leave fields
// empty, but what it holds must be right; a submission needs it whole.
// Fields are named as in the JSON: institution.email, support[1].priority
// (lists count from 0).
func checkForm(f Form, complete bool) error {
	var c checker
	if c.required("country", f.Country) {
		if _, ok := directory.LookupMemberState(f.Country); !ok || len(f.Country) != 2 {
			c.add("country", "country", fmt.Sprintf("%q is not a member state of the OAS", clip(f.Country)),
				map[string]any{"Value": clip(f.Country)})
		}
	}
	in := f.Institution
	c.text("institution.name", in.Name, shortText, complete)
	c.text("institution.department", in.Department, shortText, false)
	c.text("institution.contact_person", in.ContactPerson, shortText, complete)
	if complete {
		c.required("institution.email", in.Email)
	}
	c.email("institution.email", in.Email)
	c.phone("institution.phone", in.Phone)
	c.text("need", f.Need, longText, complete)
	checkSupport(&c, f.Support, complete)
	checkTopics(&c, f, complete)
	for i, p := range f.Partners {
		c.oneOf(indexed("partners", i, "sector"), "sector", slices.Contains(Sectors, p.Sector), string(p.Sector))
		c.text(indexed("partners", i, "name"), p.Name, shortText, true)
	}
	if complete {
		c.required("timeframe", f.Timeframe)
	}
	if f.Timeframe != "" && !validTimeframe(f.Timeframe) {
		c.add("timeframe", "timeframe",
			fmt.Sprintf("%q is not a timeframe: write a quarter such as 2027-Q1, or a range such as 2027-Q1/2027-Q3", clip(f.Timeframe)),
			map[string]any{"Value": clip(f.Timeframe)})
	}
	c.text("beneficiaries", f.Beneficiaries, longText, false)
	c.text("resources", f.Resources, longText, false)
	c.text("donors_approached", f.DonorsApproached, longText, false)
	return c.err()
}

// checkSupport checks the kinds of support: each kind once, each priority
// once, priorities from 1 to the number of kinds. A draft may leave a
// priority at 0 (not yet given).
func checkSupport(c *checker, support []Support, complete bool) {
	if complete && len(support) == 0 {
		c.add("support", "required", "choose at least one kind of support", nil)
	}
	kinds := map[SupportKind]bool{}
	priorities := map[int]bool{}
	for i, s := range support {
		switch {
		case !slices.Contains(SupportKinds, s.Kind):
			c.oneOf(indexed("support", i, "kind"), "support_kind", false, string(s.Kind))
		case kinds[s.Kind]:
			c.add(indexed("support", i, "kind"), "support_duplicate", "this kind of support is already requested", nil)
		}
		kinds[s.Kind] = true
		field := indexed("support", i, "priority")
		switch {
		case s.Priority == 0 && !complete:
		case s.Priority < 1 || s.Priority > len(support):
			c.add(field, "priority", fmt.Sprintf("the priority is a whole number from 1 (most important) to %d", len(support)),
				map[string]any{"Max": len(support)})
		case priorities[s.Priority]:
			c.add(field, "priority_taken", fmt.Sprintf("priority %d is given to another kind of support", s.Priority),
				map[string]any{"Value": s.Priority})
		}
		priorities[s.Priority] = true
		c.text(indexed("support", i, "details"), s.Details, longText, false)
	}
}

func checkTopics(c *checker, f Form, complete bool) {
	if complete && len(f.Topics) == 0 {
		c.add("topics", "required", "choose at least one topic", nil)
	}
	seen := map[Topic]bool{}
	for i, t := range f.Topics {
		switch {
		case !slices.Contains(Topics, t):
			c.oneOf(indexed("topics", i, ""), "topic", false, string(t))
		case seen[t]:
			c.add(indexed("topics", i, ""), "topic_duplicate", "this topic is already chosen", nil)
		}
		seen[t] = true
	}
	if seen[OtherTopic] && complete {
		c.required("topic_other", f.TopicOther)
	}
	c.text("topic_other", f.TopicOther, shortText, false)
}

// validTimeframe accepts a quarter "2027-Q1" or a range of quarters
// "2027-Q1/2027-Q3", the second not before the first.
func validTimeframe(v string) bool {
	from, to, isRange := strings.Cut(v, "/")
	a, ok := quarterIndex(from)
	if !ok {
		return false
	}
	if !isRange {
		return true
	}
	b, ok := quarterIndex(to)
	return ok && b >= a
}

// quarterIndex turns "YYYY-Qn" into a number that orders quarters.
func quarterIndex(v string) (int, bool) {
	year, q, ok := strings.Cut(v, "-Q")
	if !ok || len(year) != 4 || len(q) != 1 {
		return 0, false
	}
	y, err := strconv.Atoi(year)
	if err != nil || y < 2000 {
		return 0, false
	}
	n := int(q[0] - '0')
	if n < 1 || n > 4 {
		return 0, false
	}
	return y*4 + n - 1, true
}

// bySupportPriority returns the kinds of support ordered by priority
// (those without one last, in form order).
func bySupportPriority(support []Support) []SupportKind {
	s := slices.Clone(support)
	slices.SortStableFunc(s, func(a, b Support) int {
		pa, pb := a.Priority, b.Priority
		if pa == 0 {
			pa = 1 << 30
		}
		if pb == 0 {
			pb = 1 << 30
		}
		return pa - pb
	})
	out := make([]SupportKind, len(s))
	for i, x := range s {
		out[i] = x.Kind
	}
	return out
}
