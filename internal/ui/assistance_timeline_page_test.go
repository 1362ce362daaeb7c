package ui_test

import (
	"html"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode"

	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
)

// TestAssistanceTimelineInEveryLanguage renders the timeline of a request
// with an entry of every event the domain gives (every proposal status,
// activity state, adjustment source and mission kind) in Spanish,
// Portuguese and French: each entry shows its subject as written, and
// the list shows no English wording (of the catalogs' English messages,
// nor the API's English titles), no catalog key and no raw code.
func TestAssistanceTimelineInEveryLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := requestWithEveryEvent(t, e)
		tl, err := e.App.Assistance.Timeline(t.Context(), e.Actor(t, secOfficer), id)
		if err != nil {
			t.Fatalf("timeline: %v", err)
		}
		var events []string
		for _, x := range tl {
			if !slices.Contains(events, x.Event) {
				events = append(events, x.Event)
			}
		}
		for _, ev := range assistance.TimelineEvents() {
			if !slices.Contains(events, ev) {
				t.Errorf("the request's timeline has no %q entry: the page test would not cover it", ev)
			}
		}
		bundle, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		c := e.Login(t, secOfficer)
		for _, lang := range []string{"es", "pt", "fr"} {
			t.Run(lang, func(t *testing.T) {
				status, body := get(t, c, e.URL+"/assistance/"+id, "Accept-Language", lang)
				if status != http.StatusOK {
					t.Fatalf("status %d, want 200", status)
				}
				list := timelineList(body)
				if n := strings.Count(list, "<li>"); n != len(tl) {
					t.Fatalf("%d entries listed, want %d", n, len(tl))
				}
				if k := leak(list); k != "" {
					t.Errorf("the timeline shows %q as text", k)
				}
				text := html.UnescapeString(textOf(list))
				for _, x := range tl {
					if !strings.Contains(text, x.Subject) {
						t.Errorf("the timeline does not show the subject %q of %s", x.Subject, x.Event)
					}
					if x.Title != x.Subject && strings.Contains(text, x.Title) {
						t.Errorf("the timeline shows the English title %q", x.Title)
					}
				}
				for _, phrase := range englishTimelinePhrases(bundle, lang) {
					if strings.Contains(text, phrase) {
						t.Errorf("the timeline shows the English %q", phrase)
					}
				}
				words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '_' })
				for _, code := range timelineCodes() {
					if slices.Contains(words, code) || (strings.Contains(code, ".") && strings.Contains(text, code)) {
						t.Errorf("the timeline shows the code %q", code)
					}
				}
			})
		}
	})
}

// timelineList is the page's timeline list.
func timelineList(body string) string {
	i := strings.Index(body, `id="timeline-list"`)
	if i < 0 {
		return ""
	}
	list := body[i:]
	if j := strings.Index(list, "</ol>"); j >= 0 {
		list = list[:j]
	}
	return list
}

// englishTimelinePhrases are the English words of the timeline's messages
// and of the states' names, split at their holes, which lang words
// otherwise (a phrase lang shares with English is no leak).
func englishTimelinePhrases(b *i18n.Bundle, lang string) []string {
	keys := []string{"assistanceui.timeline.event.opened"}
	for _, ev := range assistance.TimelineEvents() {
		keys = append(keys, "assistanceui.timeline.event."+ev)
	}
	for _, s := range assistance.States {
		keys = append(keys, "assistance.state."+string(s))
	}
	en, l := b.For("en"), b.For(lang)
	var out []string
	for _, k := range keys {
		if en.T(k) == l.T(k) {
			continue
		}
		for _, p := range strings.Split(en.T(k), "<no value>") {
			p = strings.TrimSpace(p)
			if strings.IndexFunc(p, unicode.IsLetter) >= 0 && len(p) >= 4 {
				out = append(out, p)
			}
		}
	}
	return out
}

// timelineCodes are the codes an entry is made of: its events and their
// parts, and the states.
func timelineCodes() []string {
	var out []string
	for _, ev := range assistance.TimelineEvents() {
		out = append(out, ev)
		out = append(out, strings.Split(ev, ".")...)
	}
	for _, s := range assistance.States {
		out = append(out, string(s))
	}
	return out
}

// requestWithEveryEvent makes, through the service, a Costa Rican request
// in follow-up whose timeline has an entry of every event: moves (one
// with a reason), a proposal in each status, a mission of each kind, an
// analysis, a planned, a delivered and a cancelled activity, adjustments
// asked by the member and found by monitoring, monitoring, a file and the
// evaluation.
func requestWithEveryEvent(t *testing.T, e *apptest.Env) string {
	t.Helper()
	ctx, sa, member, svc := t.Context(), e.Actor(t, secOfficer), e.Actor(t, crContact), e.App.Assistance
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	id := submitted(t, e, "CR", "Ministerio de Justicia").ID
	move := func(to assistance.State, reason string) {
		t.Helper()
		_, err := svc.Move(ctx, sa, id, stored(t, e, id).Request.Version, to, reason)
		must("moving to "+string(to), err)
	}
	move(assistance.UnderConsideration, "Revisión prioritaria")
	_, err := svc.SetConsideration(ctx, sa, id, stored(t, e, id).Request.Version, assistance.Consideration{
		Staff: []string{sa.UserID}, WorkPlan: "Plan en dos fases", Budget: assistance.Money{Amount: 900000, Currency: "USD"}})
	must("setting the consideration", err)
	usd := assistance.Money{Amount: 100000, Currency: "USD"}
	proposals := map[string][]assistance.ProposalStatus{
		"Donante Uno":    {assistance.ProposalDrafted},
		"Donante Dos":    {assistance.ProposalDrafted, assistance.ProposalSent},
		"Donante Tres":   {assistance.ProposalDrafted, assistance.ProposalSent, assistance.ProposalPledged},
		"Donante Cuatro": {assistance.ProposalDrafted, assistance.ProposalDeclined},
		"Donante Cinco":  {assistance.ProposalDrafted, assistance.ProposalSent, assistance.ProposalPledged, assistance.ProposalReceived},
	}
	for donor, statuses := range proposals {
		p := assistance.Proposal{Donor: donor, Requested: usd}
		for _, s := range statuses {
			p.Status = s
			if s == assistance.ProposalPledged {
				p.Pledged = usd
			}
			if s == assistance.ProposalReceived {
				p.Received = usd
			}
			p, err = svc.SaveProposal(ctx, sa, id, p)
			must("saving the proposal of "+donor+" as "+string(s), err)
		}
	}
	for i, k := range assistance.MissionKinds {
		day := "2025-0" + string(rune('4'+i)) + "-01"
		_, err := svc.SaveMission(ctx, sa, id, assistance.Mission{Kind: k, Start: day, End: day, Places: "Lugar " + string(rune('A'+i))})
		must("saving a mission of kind "+string(k), err)
	}
	move(assistance.Design, "")
	_, err = svc.SaveAnalysis(ctx, sa, id, assistance.Analysis{Kind: assistance.Roundtable, Title: "Mesa de diagnóstico",
		Date: "2025-02-01"})
	must("saving the analysis", err)
	var acts []assistance.Activity
	for _, title := range []string{"Taller uno", "Taller dos", "Taller tres"} {
		act, err := svc.SaveActivity(ctx, sa, id, assistance.Activity{Title: title, Kind: assistance.Training,
			Start: "2025-03-10", End: "2025-03-12", Budget: usd})
		must("saving the activity "+title, err)
		acts = append(acts, act)
	}
	move(assistance.Implementation, "")
	_, err = svc.Adjust(ctx, member, id, assistance.Adjustment{ActivityID: acts[1].ID, Reason: "Pedido del ministerio",
		NewEnd: "2025-03-14"})
	must("adjusting as the member", err)
	_, err = svc.Adjust(ctx, sa, id, assistance.Adjustment{ActivityID: acts[2].ID, Source: assistance.ByMonitoring,
		Reason: "Sin sede disponible", Cancel: true})
	must("cancelling after monitoring", err)
	_, err = svc.Deliver(ctx, sa, id, acts[0].ID, "2025-03-12", 12, "Doce analistas")
	must("delivering", err)
	_, err = svc.AddMonitoring(ctx, sa, id, assistance.Monitoring{Date: "2025-03-20", Note: "Avance correcto"})
	must("adding monitoring", err)
	_, err = svc.Attach(ctx, member, id, "informe-final.pdf", "application/pdf", strings.NewReader("%PDF-1.4 informe"))
	must("attaching a file", err)
	move(assistance.FollowUp, "")
	_, err = svc.SetEvaluation(ctx, sa, id, assistance.Evaluation{Evaluator: "Evaluadora Independiente", Date: "2025-10-01",
		Results: "Objetivos cumplidos"})
	must("recording the evaluation", err)
	return id
}
