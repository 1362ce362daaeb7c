package access

import (
	"strings"
	"testing"
)

// seeWant says, for a reader of each kind, which objects of another
// organisation it sees. Objects are named tlp/distribution:
//
//	m = all members, g = the reader's sharing group, G = a group the reader is
//	not in, o = the reader's organisation named, O = another organisation named.
//
// Written by hand from the rules in CanSeeIntel's doc and TLP 2.0.
var seeWant = map[string]string{
	// a CSIRT analyst: everything that reaches the organisation, RED only by name or group
	"analyst": "clear/m clear/g clear/o green/m green/g green/o amber/m amber/g amber/o " +
		"amber+strict/m amber+strict/g amber+strict/o red/g red/o",
	// an expert: the same reach, but only CLEAR and GREEN
	"expert": "clear/m clear/g clear/o green/m green/g green/o",
}

func TestCanSeeIntelEveryTLPAndDistribution(t *testing.T) {
	readers := map[string]Actor{
		"analyst": {UserID: "u1", OrgID: "org-a", Roles: []Role{Analyst}},
		"expert":  {UserID: "u2", OrgID: "org-a", Roles: []Role{Expert}},
	}
	groups := []string{"sg-mine"}
	dists := map[string]Intel{
		"m": {Members: true},
		"g": {Groups: []string{"sg-other", "sg-mine"}},
		"G": {Groups: []string{"sg-other"}},
		"o": {Orgs: []string{"org-c", "org-a"}},
		"O": {Orgs: []string{"org-c"}},
	}
	for name, reader := range readers {
		for _, tlp := range TLPs {
			for d, o := range dists {
				key := string(tlp) + "/" + d
				t.Run(name+"/"+key, func(t *testing.T) {
					o.OrgID, o.TLP = "org-b", tlp
					want := strings.Contains(" "+seeWant[name]+" ", " "+key+" ")
					if got := CanSeeIntel(reader, groups, o); got != want {
						t.Errorf("CanSeeIntel(%s, %s) = %v, want %v", name, key, got, want)
					}
					// The creator's organisation sees its own object whatever
					// the marking and distribution.
					own := o
					own.OrgID = reader.OrgID
					if !CanSeeIntel(reader, groups, own) {
						t.Errorf("creator organisation does not see its own %s object", key)
					}
				})
			}
		}
	}
}

func TestCanSeeIntelSpecialActors(t *testing.T) {
	green := Intel{OrgID: "org-b", TLP: TLPGreen, Members: true}
	cases := []struct {
		name  string
		actor Actor
		o     Intel
		want  bool
	}{
		{"anonymous sees nothing", Anonymous, Intel{OrgID: "", TLP: TLPClear, Members: true}, false},
		{"no organisation sees nothing", Actor{UserID: "u", Roles: []Role{Analyst}}, green, false},
		{"no role sees nothing", Actor{UserID: "u", OrgID: "org-a"}, green, false},
		{"secretariat has no override on RED",
			Actor{UserID: "u", OrgID: "sec", Secretariat: true, Roles: []Role{SecretariatAdmin}},
			Intel{OrgID: "org-b", TLP: TLPRed, Orgs: []string{"org-c"}}, false},
		{"secretariat sees what reaches all members",
			Actor{UserID: "u", OrgID: "sec", Secretariat: true, Roles: []Role{SecretariatOfficer}},
			Intel{OrgID: "org-b", TLP: TLPAmber, Members: true}, true},
		{"RED to all members reaches nobody else", Actor{UserID: "u", OrgID: "org-a", Roles: []Role{Analyst}},
			Intel{OrgID: "org-b", TLP: TLPRed, Members: true}, false},
		{"unknown TLP is closed", Actor{UserID: "u", OrgID: "org-a", Roles: []Role{Analyst}},
			Intel{OrgID: "org-b", TLP: "white", Members: true}, false},
		{"unknown TLP closed even for the creator", Actor{UserID: "u", OrgID: "org-b", Roles: []Role{Analyst}},
			Intel{OrgID: "org-b", TLP: "", Members: true}, false},
		{"read token reads", withScopes(Actor{UserID: "u", OrgID: "org-a", Roles: []Role{Analyst}}, ScopeRead), green, true},
		{"token without scopes reads nothing", withScopes(Actor{UserID: "u", OrgID: "org-a", Roles: []Role{Analyst}}), green, false},
		{"government contact sees AMBER for all members", Actor{UserID: "u", OrgID: "org-a", Roles: []Role{GovernmentContact}},
			Intel{OrgID: "org-b", TLP: TLPAmber, Members: true}, true},
		{"observer does not see AMBER named to its org", Actor{UserID: "u", OrgID: "org-a", Roles: []Role{Observer}},
			Intel{OrgID: "org-b", TLP: TLPAmber, Orgs: []string{"org-a"}}, false},
		{"observer sees own org's RED", Actor{UserID: "u", OrgID: "org-a", Roles: []Role{Observer}},
			Intel{OrgID: "org-a", TLP: TLPRed}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanSeeIntel(tc.actor, nil, tc.o); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSharingAllowedAndStricter(t *testing.T) {
	if SharingAllowed(Intel{TLP: TLPRed, Members: true}) {
		t.Error("RED to all members allowed")
	}
	if !SharingAllowed(Intel{TLP: TLPRed, Orgs: []string{"x"}}) || !SharingAllowed(Intel{TLP: TLPAmber, Members: true}) {
		t.Error("ordinary sharing refused")
	}
	if SharingAllowed(Intel{TLP: "white"}) {
		t.Error("TLP 1.0 name accepted as a level")
	}
	cases := [][3]TLP{{TLPClear, TLPGreen, TLPGreen}, {TLPRed, TLPAmber, TLPRed}, {TLPAmberStrict, TLPAmber, TLPAmberStrict},
		{"bogus", TLPClear, TLPRed}, {TLPClear, TLPClear, TLPClear}}
	for _, c := range cases {
		if got := Stricter(c[0], c[1]); got != c[2] {
			t.Errorf("Stricter(%s, %s) = %s, want %s", c[0], c[1], got, c[2])
		}
	}
}
