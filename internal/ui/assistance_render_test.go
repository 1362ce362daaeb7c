package ui_test

import (
	"net/http"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
)

// TestAssistancePagesRenderInEveryLanguage renders every assistance page,
// in each state whose forms differ, for the secretariat and for a
// member's government contact, in the four languages: each answers 200 in
// its language, names the navigation entry, and shows no catalog key,
// validation code or template hole as text.
func TestAssistancePagesRenderInEveryLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := buildAssistFixture(t, e)
		req := "/assistance/"
		// The demo's closed request: a page with no move left.
		closed, _, err := e.App.Assistance.List(t.Context(), e.Actor(t, secOfficer),
			assistance.Filter{States: []assistance.State{assistance.Closed}, Limit: 1})
		if err != nil || len(closed) != 1 {
			t.Fatalf("the demo's closed request: %v (%d)", err, len(closed))
		}
		pages := map[string][]string{
			secOfficer: {"/", "/assistance", "/assistance?state=design&country=MX&overdue=1", "/assistance/new",
				req + fx.FollowUp.ID, req + fx.Implementation.ID, req + fx.Design.ID, req + fx.Draft.ID,
				req + fx.Draft.ID + "/edit", req + fx.FollowUp.ID + "?done=assistanceui.done.moved",
				"/assistance/board", "/assistance/board?overdue=1", "/assistance/experts",
				"/assistance/experts?edit=new", "/assistance/experts?edit=" + fx.Expert.ID, req + closed[0].ID},
			crContact: {"/assistance", "/assistance/new", req + fx.FollowUp.ID, req + fx.Implementation.ID,
				req + fx.Draft.ID, req + fx.Draft.ID + "/edit"},
		}
		nav := map[string]string{"en": ">Assistance<", "es": ">Asistencia<", "pt": ">Assistência<", "fr": ">Assistance<"}
		for who, paths := range pages {
			c := e.Login(t, who)
			for lang, entry := range nav {
				for _, p := range paths {
					t.Run(who+" "+lang+p, func(t *testing.T) {
						status, body := get(t, c, e.URL+p, "Accept-Language", lang)
						if status != http.StatusOK {
							t.Fatalf("status %d, want 200", status)
						}
						if !strings.Contains(body, `<html lang="`+lang+`">`) {
							t.Errorf("page is not in %s", lang)
						}
						if !strings.Contains(body, entry) {
							t.Errorf("navigation has no %q entry", entry)
						}
						if k := leak(body); k != "" {
							t.Errorf("the page shows %q as text", k)
						}
					})
				}
			}
		}
	})
}

// TestAssistanceRequestPageShowsEveryStep checks the request page of a
// request in follow-up shows what each step recorded, in the reader's
// language (Spanish here: amounts with Spanish separators).
func TestAssistanceRequestPageShowsEveryStep(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := buildAssistFixture(t, e)
		_, body := get(t, e.Login(t, secOfficer), e.URL+"/assistance/"+fx.FollowUp.ID, "Accept-Language", "es")
		want := map[string][]string{
			"request-title":       {fx.FollowUp.Number, "Costa Rica", "Ministerio de Ciencia", "ana.mora@example.go.cr", "Universidad Nacional", "2027-Q1/2027-Q3"},
			"consideration-title": {"Plan de trabajo en tres fases", "15.000,00 USD", "25.000,00 USD", "Jean Demo"},
			"proposals":           {"Fondo Cibernético", "10.000,00 USD", "8000,00 USD"},
			"analyses":            {"Visita inicial", "San José", "Sin CSIRT nacional"},
			"activities":          {"Taller de respuesta a incidentes", "Lucía Experta", "25 analistas formados", "2025-03-13"},
			"monitoring":          {"Buen avance"},
			"adjustments":         {"El ministerio pidió un día más"},
			"missions":            {"El CSIRT funciona"},
			"evaluation":          {"Evaluadora Externa", "Retener al personal"},
			"transitions":         {"Seguimiento"},
			"timeline-title":      {"Cronología"},
		}
		for id, texts := range want {
			part := section(body, id)
			if part == "" {
				t.Errorf("no element %q on the page", id)
				continue
			}
			for _, s := range texts {
				if !strings.Contains(part, s) {
					t.Errorf("section %s does not show %q", id, s)
				}
			}
		}
		if n := strings.Count(section(body, "transitions"), `class="transition"`); n != 6 {
			t.Errorf("%d moves listed, want 6 (opened, submitted, consideration, design, implementation, follow-up)", n)
		}
		for _, id := range []string{`id="move-closed"`, `id="evaluation-form"`, `id="mission-new-form"`, `id="monitoring-form"`} {
			if !strings.Contains(body, id) {
				t.Errorf("follow-up page lacks %s", id)
			}
		}
		// The follow-up's forms show unfolded, earlier steps' folded.
		for _, unfolded := range []string{`id="evaluation-edit" open`, `id="mission-new-edit" open`} {
			if !strings.Contains(body, unfolded) {
				t.Errorf("the follow-up page does not unfold %s", unfolded)
			}
		}
		if strings.Contains(body, `id="consideration-edit" open`) {
			t.Error("the follow-up page unfolds the consideration form")
		}
		for _, id := range []string{`id="activity-new-form"`, `id="deliver-`, `id="move-design"`} {
			if strings.Contains(body, id) {
				t.Errorf("follow-up page offers %s, a form of another step", id)
			}
		}
	})
}
