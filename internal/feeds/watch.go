package feeds

import (
	"atalaya/internal/event"
	"atalaya/internal/routing"
)

// watchRecipients adds the organisations whose shared indicators the
// event hits (ByWatch, Key: the indicator's id) to those routing found:
// one delivery per organisation, so a team that both owns the address
// and shared it hears once, by its constituency. buf is reused between
// events.
func watchRecipients(t *routing.Table, e *event.Event, to []recipient, buf *[]routing.Watch) []recipient {
	*buf = t.Watched(e.SourceIP, e.SourceFQDN, e.SourceURL, (*buf)[:0])
	for _, w := range *buf {
		if !hasOrg(to, w.OrgID) {
			to = append(to, recipient{org: w.OrgID, by: ByWatch, key: w.IntelID})
		}
	}
	return to
}

func hasOrg(to []recipient, org string) bool {
	for _, r := range to {
		if r.org == org {
			return true
		}
	}
	return false
}
