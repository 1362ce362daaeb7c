package ui

import (
	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
)

// timelineText words a timeline entry in the reader's language from its
// event, states and subject: "Moved from Design to Declined: no funds".
// The subject is the users' own words and is shown as it is. An event no
// catalog words (one newer than this page) shows the entry's English
// title rather than a catalog key.
func timelineText(l *i18n.Localizer, e assistance.TimelineEntry) string {
	if e.Event == "" {
		return e.Title
	}
	key := "assistanceui.timeline.event." + e.Event
	if e.Event == assistance.EventTransition && e.From == "" {
		key = "assistanceui.timeline.event.opened"
	}
	s := l.T(key, "From", stateName(l, e.From), "To", stateName(l, e.To))
	if s == key {
		return e.Title
	}
	if e.Subject == "" {
		return s
	}
	return l.T("assistanceui.timeline.with_subject", "Event", s, "Subject", e.Subject)
}

// stateName names a request's state in the reader's language.
func stateName(l *i18n.Localizer, s assistance.State) string {
	if s == "" {
		return ""
	}
	return tOr(l, "assistance.state.", string(s))
}
