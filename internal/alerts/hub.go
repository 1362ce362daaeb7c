package alerts

import (
	"sync"

	"atalaya/internal/access"
)

// hub fans each recorded alert out to the live subscribers of its
// organisation. The recorder is its only publisher; a subscriber that does
// not keep up loses alerts (counted) instead of slowing everyone.
type hub struct {
	buffer  int
	metrics *metrics
	mu      sync.RWMutex // guards subs; publish holds it for reading while sending
	subs    map[string]map[*subscriber]struct{}
}

type subscriber struct {
	ch chan Alert
}

func newHub(buffer int, m *metrics) *hub {
	return &hub{buffer: buffer, metrics: m, subs: make(map[string]map[*subscriber]struct{})}
}

// Subscribe returns orgID's live alerts (access.CanSeeEvents) until
// cancel is called. A slow reader loses alerts rather than slowing
// delivery; the channel is closed on cancel. A reader that reconnects
// fills the gap with AlertsAfter.
func (s *Service) Subscribe(a access.Actor, orgID string) (<-chan Alert, func(), error) {
	if !access.CanSeeEvents(a, orgID) {
		return nil, func() {}, access.ErrDenied
	}
	h := s.hub
	sub := &subscriber{ch: make(chan Alert, h.buffer)}
	h.mu.Lock()
	if h.subs[orgID] == nil {
		h.subs[orgID] = make(map[*subscriber]struct{})
	}
	h.subs[orgID][sub] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	cancel := func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs[orgID], sub)
			if len(h.subs[orgID]) == 0 {
				delete(h.subs, orgID)
			}
			// Under the write lock no publish is sending on ch.
			close(sub.ch)
			h.mu.Unlock()
		})
	}
	return sub.ch, cancel, nil
}

// publish hands alerts to their organisation's subscribers without
// waiting for any of them.
func (h *hub) publish(alerts []Alert) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, a := range alerts {
		for sub := range h.subs[a.OrgID] {
			select {
			case sub.ch <- a:
			default:
				h.metrics.subscriberDrops.Add(1)
			}
		}
	}
}

// subscribers counts the live subscribers of orgID.
func (h *hub) subscribers(orgID string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[orgID])
}
