package ui

import (
	"strings"
	"testing"

	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
)

// TestTimelineTextWordsEveryEvent words an entry of every event the domain
// may give (assistance.TimelineEvents, so a new one fails here until the
// catalogs word it) in every language: never the English title, never a
// template hole, the subject as it was written, and in Spanish, Portuguese
// and French not the English wording.
func TestTimelineTextWordsEveryEvent(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	const title = "ENGLISH TITLE"
	var entries []assistance.TimelineEntry
	for _, ev := range assistance.TimelineEvents() {
		e := assistance.TimelineEntry{Event: ev, Subject: "Fondo Cibernético", Title: title}
		if ev == assistance.EventTransition {
			e.From, e.To = assistance.Design, assistance.FollowUp
			entries = append(entries, assistance.TimelineEntry{Event: ev, To: assistance.Draft, Title: title})
		}
		entries = append(entries, e)
	}
	en := b.For("en")
	for _, lang := range i18n.Languages() {
		l := b.For(lang)
		for _, e := range entries {
			t.Run(lang+" "+e.Event+" from "+string(e.From), func(t *testing.T) {
				got := timelineText(l, e)
				if got == title || strings.Contains(got, "no value") || strings.Contains(got, "assistanceui.") {
					t.Fatalf("timelineText = %q, not a message of its own", got)
				}
				if !strings.Contains(got, e.Subject) {
					t.Errorf("timelineText = %q, without the subject %q", got, e.Subject)
				}
				for _, s := range []assistance.State{e.From, e.To} {
					if s != "" && !strings.Contains(got, l.T("assistance.state."+string(s))) {
						t.Errorf("timelineText = %q, without the state %s in %s", got, s, lang)
					}
				}
				if lang != "en" && got == timelineText(en, e) {
					t.Errorf("timelineText = %q, as in English", got)
				}
			})
		}
	}
}

// TestTimelineTextFallsBack shows the English title of an entry whose event
// no catalog words, rather than a catalog key.
func TestTimelineTextFallsBack(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{"", "visit.made"} {
		e := assistance.TimelineEntry{Event: ev, Subject: "Visita", Title: "Visita (made)"}
		if got := timelineText(b.For("es"), e); got != e.Title {
			t.Errorf("event %q: timelineText = %q, want the title %q", ev, got, e.Title)
		}
	}
}
