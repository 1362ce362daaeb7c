package taxii_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
)

// tokenOf is a client with a new API token of email with the scope.
func tokenOf(e *env, t testing.TB, email string, scope access.Scope) client {
	t.Helper()
	return client{e: e, authorization: "Bearer " + e.Token(t, email, scope)}
}

// TestStatusFailureVersion: a refused object is listed in the status with
// its id and version (section 4.3.1), both when the POST answers and when
// the status is read again.
func TestStatusFailureVersion(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		network := e.collectionID(t, mxAnalyst, "network")
		c := e.bearer(t, mxAnalyst)
		mod := time.Date(2025, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
		goodID, good := indicator("good", "198.51.100.10", mod)
		badID, _ := indicator("bad", "198.51.100.11", mod)
		bad := json.RawMessage(strings.Replace(string(version(badID, "bad", "198.51.100.11", mod.Add(-time.Hour), mod)),
			`"pattern":"[ipv4-addr:value = '198.51.100.11']"`, `"pattern":"[ipv4-addr:value = ]"`, 1))
		var posted status
		c.request(t, "POST", objectsURL(network), envelopeOf(good, bad), nil).expect(t, "POST", 202, &posted)
		var again status
		c.get(t, rootURL+"status/"+posted.ID+"/", 200, &again)
		for name, st := range map[string]status{"POST": posted, "GET": again} {
			t.Run(name, func(t *testing.T) {
				if st.SuccessCount != 1 || len(st.Successes) != 1 || st.Successes[0].ID != goodID ||
					st.Successes[0].Version != "2025-03-04T05:06:07.890Z" {
					t.Errorf("successes %+v", st.Successes)
				}
				if st.FailureCount != 1 || len(st.Failures) != 1 || st.Failures[0].ID != badID ||
					st.Failures[0].Version != "2025-03-04T05:06:07.890Z" || !contains(st.Failures[0].Message, "pattern") {
					t.Errorf("failures %+v, want %s at 2025-03-04T05:06:07.890Z", st.Failures, badID)
				}
			})
		}
	})
}
