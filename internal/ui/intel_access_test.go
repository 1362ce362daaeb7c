package ui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
	"atalaya/internal/intel"
)

// readers are users of six organisations: the creator's team, the bank (in
// the demo sharing group with the creator), Brazil (named), a ministry (a
// plain member), an expert and an observer.
var readers = []string{mxAnalyst, bankAdmin, brAnalyst, crContact, expert, observer}

// hubValue is carried by every fixture object, so the hub's correlations
// list all of them; each also carries a value of its own.
const hubValue = "203.0.113.200"

// accessFixture is one indicator per TLP and distribution, a CLEAR hub
// every reader sees, and sightings of the hub shared in several ways.
type accessFixture struct {
	objects   []intel.Object
	hub       intel.Object
	sightings []intel.Object
}

func buildAccessFixture(t *testing.T, e *apptest.Env) accessFixture {
	t.Helper()
	group, br := demoGroup(t, e), e.Org(t, "DEMO-BR-NAT")
	dists := []struct {
		name string
		sh   func(access.TLP) intel.Sharing
	}{
		{"members", func(l access.TLP) intel.Sharing { return intel.Sharing{TLP: l, Members: l != access.TLPRed} }},
		{"group", func(l access.TLP) intel.Sharing { return intel.Sharing{TLP: l, Groups: []string{group}} }},
		{"named", func(l access.TLP) intel.Sharing { return intel.Sharing{TLP: l, Orgs: []string{br}} }},
	}
	var fx accessFixture
	n := 1
	for _, level := range access.TLPs {
		for _, d := range dists {
			name := fmt.Sprintf("Matrix %s %s (test)", level, d.name)
			pattern := fmt.Sprintf("[ipv4-addr:value = '%s'] OR [ipv4-addr:value = '198.51.100.%d']", hubValue, n)
			fx.objects = append(fx.objects, saveIndicator(t, e, mxAnalyst, name, pattern, d.sh(level)))
			n++
		}
	}
	fx.hub = saveIndicator(t, e, mxAnalyst, "Matrix hub (test)", fmt.Sprintf("[ipv4-addr:value = '%s']", hubValue),
		intel.Sharing{TLP: access.TLPClear, Members: true})
	bank := e.Actor(t, bankAdmin)
	for _, sh := range []intel.Sharing{{TLP: access.TLPRed}, {TLP: access.TLPAmber, Groups: []string{group}},
		{TLP: access.TLPGreen, Members: true}, {TLP: access.TLPAmber, Orgs: []string{br}}} {
		s, err := e.App.Intel.Sight(t.Context(), bank, intel.SightingInput{IndicatorID: fx.hub.ID, Count: 1, Where: "bank", Sharing: sh})
		if err != nil {
			t.Fatalf("sighting: %v", err)
		}
		fx.sightings = append(fx.sightings, s)
	}
	return fx
}

// TestIntelPagesShowOnlyWhatAccessAllows walks the list, both searches, the
// object pages, the correlations and sightings sections and the export
// links for readers of six organisations, over objects of every TLP and
// distribution: a page names an object's id exactly when access.CanSeeIntel
// lets the reader see it.
func TestIntelPagesShowOnlyWhatAccessAllows(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := buildAccessFixture(t, e)
		for _, who := range readers {
			t.Run(who, func(t *testing.T) {
				c := e.Login(t, who)
				_, list := get(t, c, e.URL+"/intel")
				_, words := get(t, c, e.URL+"/intel?q=Matrix")
				_, byValue := get(t, c, e.URL+"/intel?q="+hubValue)
				_, hub := get(t, c, e.URL+"/intel/"+fx.hub.ID)
				correlations := section(hub, "correlations")
				exports := map[string]string{}
				for _, f := range []string{"stix", "misp", "csv"} {
					status, body := get(t, c, e.URL+"/intel/export?format="+f+"&q=Matrix")
					if status != http.StatusOK {
						t.Errorf("export %s: status %d", f, status)
					}
					exports[f] = body
				}
				for i, o := range fx.objects {
					want := canSee(t, e, who, o)
					check := func(where, body, needle string) {
						t.Helper()
						if got := strings.Contains(body, needle); got != want {
							t.Errorf("%s, %s: shown %v, access says %v", fx.objects[i].Name, where, got, want)
						}
					}
					check("list", list, o.ID)
					check("search by name", words, o.ID)
					check("search by value", byValue, o.ID)
					check("correlations of the hub", correlations, o.ID)
					for f, body := range exports {
						check("export "+f, body, uuidOf(o.ID))
					}
					status, page := get(t, c, e.URL+"/intel/"+o.ID)
					if (status == http.StatusOK) != want || (!want && status != http.StatusNotFound) {
						t.Errorf("%s, object page: status %d, access says %v", o.Name, status, want)
					}
					if !want && strings.Contains(page, o.Name) {
						t.Errorf("%s: the 404 page names it", o.Name)
					}
				}
				sightings := section(hub, "sightings")
				for _, s := range fx.sightings {
					want := canSee(t, e, who, s)
					if got := strings.Contains(sightings, s.ID); got != want {
						t.Errorf("sighting %s %v: shown %v, access says %v", s.Sharing.TLP, s.Sharing, got, want)
					}
				}
				// No page names an id the reader may not see, whatever
				// section it is in.
				for _, body := range []string{list, words, byValue, hub} {
					for id := range idsIn(body) {
						if o, ok := fixtureObject(fx, id); ok && !canSee(t, e, who, o) {
							t.Errorf("a page names %s (%s)", id, o.Name)
						}
					}
				}
			})
		}
	})
}

func fixtureObject(fx accessFixture, id string) (intel.Object, bool) {
	for _, o := range append(append(fx.objects, fx.sightings...), fx.hub) {
		if o.ID == id {
			return o, true
		}
	}
	return intel.Object{}, false
}
