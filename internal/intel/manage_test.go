package intel

import (
	"errors"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

func TestSetSharingOnlyByTheCreator(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a, b := analyst("org-a"), analyst("org-b")
		ind := indicator("x", "[ipv4-addr:value = '198.51.100.1']", tlpAmberID)
		mustPut(t, s, a, Sharing{TLP: access.TLPAmber, Orgs: []string{"org-b"}}, ind)
		id := idOf(t, ind)
		cases := []struct {
			name  string
			actor access.Actor
			sh    Sharing
			err   error
			field string
		}{
			{"a recipient cannot widen", b, Sharing{TLP: access.TLPAmber, Members: true}, access.ErrDenied, ""},
			{"an outsider does not see it", analyst("org-d"), Sharing{TLP: access.TLPAmber, Members: true}, ErrNotFound, ""},
			{"red to all members", a, Sharing{TLP: access.TLPRed, Members: true}, nil, "members"},
			{"more open than the marking", a, Sharing{TLP: access.TLPGreen, Members: true}, nil, "tlp"},
			{"the creator narrows", a, Sharing{TLP: access.TLPRed, Orgs: []string{"org-c"}}, nil, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				err := s.SetSharing(ctx, tc.actor, id, tc.sh)
				switch {
				case tc.err != nil && !errors.Is(err, tc.err):
					t.Fatalf("err %v, want %v", err, tc.err)
				case tc.field != "":
					if es := valid.List(err); len(es) == 0 || es[0].Field != tc.field {
						t.Fatalf("err %v, want a valid.Error on %s", err, tc.field)
					}
				case tc.err == nil && err != nil:
					t.Fatalf("err %v", err)
				}
			})
		}
		if _, err := s.Get(ctx, b, id); err != ErrNotFound {
			t.Errorf("b still sees the object after it went to c only: %v", err)
		}
		if o, err := s.Get(ctx, analyst("org-c"), id); err != nil || o.Sharing.TLP != access.TLPRed {
			t.Errorf("c: %+v %v", o.Sharing, err)
		}
	})
}

func TestRevoke(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		ind := indicator("x", "[ipv4-addr:value = '198.51.100.1']")
		mustPut(t, s, a, Sharing{TLP: access.TLPGreen, Members: true}, ind)
		id := idOf(t, ind)
		if _, err := s.Revoke(ctx, analyst("org-b"), id); !errors.Is(err, access.ErrDenied) {
			t.Errorf("a recipient revoked: %v", err)
		}
		o, err := s.Revoke(ctx, a, id)
		if err != nil {
			t.Fatal(err)
		}
		env, _ := stix.ParseEnvelope(o.Raw)
		if !o.Revoked || !env.Revoked || o.Version == "2024-05-01T10:00:00.000Z" || !o.Latest {
			t.Errorf("revoked version %+v", o)
		}
		if p, _ := s.Versions(ctx, a, id, Filter{}); len(p.Objects) != 2 {
			t.Errorf("%d versions after revoking, want 2", len(p.Objects))
		}
		later := indicatorAt(id, "after", "[ipv4-addr:value = '198.51.100.1']", time.Now().Add(time.Hour))
		rep, err := s.Put(ctx, a, []jsonRaw{later}, PutOptions{Sharing: Sharing{TLP: access.TLPGreen, Members: true}})
		if err != nil || len(rep.Refused) != 1 || rep.Refused[0].Code != CodeRevoked {
			t.Errorf("a version after revocation: %+v %v", rep, err)
		}
	})
}

func TestDelete(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		id := stix.NewID("indicator")
		day := func(d int) time.Time { return time.Date(2024, 5, d, 0, 0, 0, 0, time.UTC) }
		mustPut(t, s, a, Sharing{TLP: access.TLPGreen, Members: true},
			indicatorAt(id, "one", "[ipv4-addr:value = '198.51.100.1']", day(1)),
			indicatorAt(id, "two", "[ipv4-addr:value = '198.51.100.2']", day(2)))
		if _, err := s.Delete(ctx, a, id, nil); !errors.Is(err, access.ErrDenied) {
			t.Errorf("an analyst deleted: %v (DeleteIntel is for admins)", err)
		}
		if _, err := s.Delete(ctx, admin("org-b"), id, nil); !errors.Is(err, access.ErrDenied) {
			t.Errorf("a recipient's admin deleted: %v", err)
		}
		n, err := s.Delete(ctx, admin("org-a"), id, []string{"last"})
		if err != nil || n != 1 {
			t.Fatalf("deleting the last version: %d %v", n, err)
		}
		o, err := s.Get(ctx, a, id)
		if err != nil || o.Name != "one" || !o.Latest {
			t.Errorf("after deleting the last version, latest is %+v %v", o.Name, err)
		}
		if got, _ := s.Lookup(ctx, a, Value{"ip", "198.51.100.1"}, 0); len(got) != 1 {
			t.Errorf("the remaining version's value is not indexed")
		}
		if n, err := s.Delete(ctx, admin("org-a"), id, nil); err != nil || n != 1 {
			t.Fatalf("deleting all: %d %v", n, err)
		}
		if _, err := s.Get(ctx, a, id); err != ErrNotFound {
			t.Errorf("deleted object still there: %v", err)
		}
		if got, _ := s.Lookup(ctx, a, Value{"ip", "198.51.100.1"}, 0); len(got) != 0 {
			t.Errorf("a deleted object is still indexed")
		}
		// The id is free again: another organisation may now use it.
		mustPut(t, s, analyst("org-b"), Sharing{TLP: access.TLPGreen, Members: true},
			indicatorAt(id, "reborn", "[ipv4-addr:value = '198.51.100.3']", day(3)))
	})
}
