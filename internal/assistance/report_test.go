package assistance

import (
	"slices"
	"testing"
	"time"
)

// TestReport counts the annual report from fixtures whose numbers are
// worked out by hand below: requests received and active, activities and
// people of the year (not of the year before), results, open challenges,
// money pledged and received in the year by donor and currency.
func TestReport(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		at := func(day string) { f.clock.set(dayTime(day).Add(12 * time.Hour)) }
		// implementing returns a request of country in implementation
		// whose plan is the given activities (delivered later).
		implementing := func(country string, acts ...Activity) (Request, []Activity) {
			r := f.in(t, sec, country, Design)
			_, err := f.s.SaveAnalysis(ctx, sec, r.ID, Analysis{Kind: Survey, Title: "Encuesta", Date: "2027-01-01"})
			must(t, "SaveAnalysis", err)
			var saved []Activity
			for _, a := range acts {
				a.Kind = Training
				s, err := f.s.SaveActivity(ctx, sec, r.ID, a)
				must(t, "SaveActivity", err)
				saved = append(saved, s)
			}
			return f.move(t, r.ID, Implementation, ""), saved
		}
		deliver := func(r Request, a Activity, on string, people int, results string) {
			_, err := f.s.Deliver(ctx, sec, r.ID, a.ID, on, people, results)
			must(t, "Deliver", err)
		}
		// proposal takes a proposal to donor from drafted to pledged on
		// pledgedOn, and to received on receivedOn when that is set.
		proposal := func(r Request, donor string, pledged Money, pledgedOn string, received Money, receivedOn string) {
			at(pledgedOn)
			p, err := f.s.SaveProposal(ctx, sec, r.ID, Proposal{Donor: donor, Requested: pledged})
			must(t, "SaveProposal", err)
			p.Status = ProposalSent
			p, err = f.s.SaveProposal(ctx, sec, r.ID, p)
			must(t, "SaveProposal sent", err)
			p.Status, p.Pledged = ProposalPledged, pledged
			p, err = f.s.SaveProposal(ctx, sec, r.ID, p)
			must(t, "SaveProposal pledged", err)
			if receivedOn != "" {
				at(receivedOn)
				p.Status, p.Received = ProposalReceived, received
				_, err = f.s.SaveProposal(ctx, sec, r.ID, p)
				must(t, "SaveProposal received", err)
			}
		}
		usd := func(n int64) Money { return Money{Amount: n, Currency: "USD"} }

		// A, Mexico: submitted in 2026, in implementation all of 2027.
		at("2026-11-02")
		a, aActs := implementing("MX", Activity{Title: "A1", Start: "2026-12-01", End: "2026-12-01"},
			Activity{Title: "A2", Start: "2027-02-10", End: "2027-02-10"})
		deliver(a, aActs[0], "2026-12-01", 12, "R-A0 (2026)")
		deliver(a, aActs[1], "2027-02-10", 15, "R-A1")
		proposal(a, "Fondo C", usd(1000_00), "2026-12-15", usd(700_00), "2027-01-20")

		// B, Mexico: submitted in 2027, under consideration.
		at("2027-03-01")
		b := f.in(t, sec, "MX", UnderConsideration)
		proposal(b, "Fondo A", usd(300_00), "2027-03-10", usd(250_00), "2027-07-01")
		proposal(b, "Fondo B", Money{Amount: 100_00, Currency: "EUR"}, "2027-04-01", Money{}, "")

		// C, Costa Rica: submitted in 2027, in follow-up with its
		// evaluation.
		at("2027-05-01")
		c, cActs := implementing("CR", Activity{Title: "C1", Start: "2027-06-08", End: "2027-06-10"})
		deliver(c, cActs[0], "2027-06-10", 20, "R-C1")
		proposal(c, "Fondo A", usd(500_00), "2027-05-20", Money{}, "")
		at("2027-08-01")
		f.move(t, c.ID, FollowUp, "")
		_, err := f.s.SetEvaluation(ctx, sec, c.ID, Evaluation{Evaluator: "Evaluadora", Date: "2027-09-01",
			Results: "E-C", Challenges: []string{"ch1", "ch2"}})
		must(t, "SetEvaluation", err)

		// D, Costa Rica: submitted and declined in 2027.
		at("2027-06-01")
		d := f.in(t, sec, "CR", Submitted)
		at("2027-06-05")
		f.move(t, d.ID, Declined, "out of scope")

		// E, Mexico: submitted in 2025, declined in 2026: not in 2027.
		at("2025-05-01")
		e := f.in(t, sec, "MX", Submitted)
		at("2026-12-01")
		f.move(t, e.ID, Declined, "duplicate")
		// F, Brazil: a draft only. G, Mexico: of 2028.
		at("2027-04-01")
		f.draft(t, sec, "BR")
		at("2028-01-05")
		g := f.in(t, sec, "MX", Submitted)

		at("2028-02-01")
		rep, err := f.s.Report(ctx, sec, 2027)
		must(t, "Report", err)
		numbers := func(ss []Summary) []string {
			var out []string
			for _, s := range ss {
				out = append(out, s.Number)
			}
			return out
		}
		if len(rep.Countries) != 2 || rep.Countries[0].Country != "CR" || rep.Countries[1].Country != "MX" {
			t.Fatalf("countries = %+v", rep.Countries)
		}
		cr, mx := rep.Countries[0], rep.Countries[1]
		if want := []string{a.Number, b.Number}; !slices.Equal(numbers(mx.Requests), want) {
			t.Errorf("MX requests = %v, want %v", numbers(mx.Requests), want)
		}
		if want := []string{c.Number, d.Number}; !slices.Equal(numbers(cr.Requests), want) {
			t.Errorf("CR requests = %v, want %v", numbers(cr.Requests), want)
		}
		checks := []struct {
			name      string
			got, want any
		}{
			{"MX received", mx.RequestsReceived, 1},
			{"MX delivered", mx.ActivitiesDelivered, 1},
			{"MX people", mx.PeopleTrained, 15},
			{"MX results", mx.Results, []string{"R-A1"}},
			{"MX challenges", mx.Challenges, []string{}},
			{"MX funding", mx.Funding, []DonorAmount{
				{Donor: "Fondo A", Currency: "USD", Pledged: 300_00, Received: 250_00},
				{Donor: "Fondo B", Currency: "EUR", Pledged: 100_00},
				{Donor: "Fondo C", Currency: "USD", Received: 700_00},
			}},
			{"CR received", cr.RequestsReceived, 2},
			{"CR delivered", cr.ActivitiesDelivered, 1},
			{"CR people", cr.PeopleTrained, 20},
			{"CR results", cr.Results, []string{"R-C1", "E-C"}},
			{"CR challenges", cr.Challenges, []string{"ch1", "ch2"}},
			{"CR funding", cr.Funding, []DonorAmount{{Donor: "Fondo A", Currency: "USD", Pledged: 500_00}}},
			{"total received", rep.Totals.RequestsReceived, 3},
			{"total delivered", rep.Totals.ActivitiesDelivered, 2},
			{"total people", rep.Totals.PeopleTrained, 35},
			{"total funding", rep.Totals.Funding, []DonorAmount{
				{Donor: "Fondo A", Currency: "USD", Pledged: 800_00, Received: 250_00},
				{Donor: "Fondo B", Currency: "EUR", Pledged: 100_00},
				{Donor: "Fondo C", Currency: "USD", Received: 700_00},
			}},
			{"year", rep.Year, 2027},
			{"generated", rep.Generated, f.clock.now()},
		}
		for _, ck := range checks {
			if !equalJSON(t, ck.got, ck.want) {
				t.Errorf("%s = %+v, want %+v", ck.name, ck.got, ck.want)
			}
		}

		rep, err = f.s.Report(ctx, sec, 2028)
		must(t, "Report 2028", err)
		if len(rep.Countries) != 2 || rep.Totals.RequestsReceived != 1 {
			t.Errorf("2028: %d countries, %d received", len(rep.Countries), rep.Totals.RequestsReceived)
		}
		for _, cr := range rep.Countries {
			if cr.Country == "MX" && !slices.Contains(numbers(cr.Requests), g.Number) {
				t.Errorf("2028 MX lacks %s", g.Number)
			}
		}
		_, err = f.s.Report(ctx, sec, 27)
		wantInvalid(t, err, "year", "assistance.year")
	})
}
