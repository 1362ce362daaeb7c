package ui

import (
	"testing"

	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
	"atalaya/internal/valid"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		name, amount, currency string
		want                   assistance.Money
		bad                    bool
	}{
		{"empty is nothing given", "", "usd", assistance.Money{}, false},
		{"whole units", "1500", "usd", assistance.Money{Amount: 150000, Currency: "USD"}, false},
		{"decimal point", "1500.5", "USD", assistance.Money{Amount: 150050, Currency: "USD"}, false},
		{"decimal comma", "1500,55", "EUR", assistance.Money{Amount: 150055, Currency: "EUR"}, false},
		{"English grouping", "1,500,000.25", "USD", assistance.Money{Amount: 150000025, Currency: "USD"}, false},
		{"Spanish grouping", "1.500.000,25", "USD", assistance.Money{Amount: 150000025, Currency: "USD"}, false},
		{"three digits after a comma group", "1,500", "USD", assistance.Money{Amount: 150000, Currency: "USD"}, false},
		{"spaces group", "1 500", "CAD", assistance.Money{Amount: 150000, Currency: "CAD"}, false},
		{"cents only", ",5", "USD", assistance.Money{Amount: 50, Currency: "USD"}, false},
		{"trailing separator", "1500.", "USD", assistance.Money{}, true},
		{"negative", "-5", "USD", assistance.Money{}, true},
		{"plus in the cents", "10.+5", "USD", assistance.Money{}, true},
		{"letters", "diez", "USD", assistance.Money{}, true},
		{"currency typed in", "1500 USD", "USD", assistance.Money{}, true},
		{"beyond any budget", "99999999999999999", "USD", assistance.Money{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseMoney("budget_amount", tc.amount, tc.currency)
			if tc.bad {
				es := valid.List(err)
				if len(es) != 1 || es[0].Field != "budget_amount" || es[0].Code != "assistanceui.amount" {
					t.Fatalf("parseMoney(%q) = %+v, %v; want the amount error", tc.amount, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("parseMoney(%q, %q) = %+v, %v; want %+v", tc.amount, tc.currency, got, err, tc.want)
			}
		})
	}
}

// TestMoneyShownAndReadBack checks an amount shown in a form reads back
// the same, and shows with each language's separators.
func TestMoneyShownAndReadBack(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		m    assistance.Money
		lang string
		want string
	}{
		{assistance.Money{Amount: 2500000, Currency: "USD"}, "en", "25,000.00 USD"},
		{assistance.Money{Amount: 2500000, Currency: "USD"}, "es", "25.000,00 USD"},
		{assistance.Money{Amount: 5, Currency: "EUR"}, "fr", "0,05 EUR"},
		{assistance.Money{Amount: -150050, Currency: "USD"}, "en", "-1,500.50 USD"},
		{assistance.Money{}, "pt", ""},
	}
	for _, tc := range tests {
		t.Run(tc.lang+" "+tc.want, func(t *testing.T) {
			if got := formatMoney(b.For(tc.lang), tc.m); got != tc.want {
				t.Errorf("formatMoney = %q, want %q", got, tc.want)
			}
			if tc.m.Amount < 0 {
				return // forms never take a negative amount
			}
			back, err := parseMoney("x", moneyInput(tc.m), tc.m.Currency)
			if err != nil || back != tc.m {
				t.Errorf("read back %q as %+v, %v; want %+v", moneyInput(tc.m), back, err, tc.m)
			}
		})
	}
}

// TestDomainFieldsBesideInputs checks the domain's field names land on
// the inputs of the forms.
func TestDomainFieldsBesideInputs(t *testing.T) {
	rf := assistance.Form{Support: []assistance.Support{{Kind: assistance.CSIRTDevelopment}, {Kind: assistance.Training}}}
	tests := []struct{ kind, field, want string }{
		{"request", "institution.email", "institution.email"},
		{"request", "support[1].priority", "support.training"},
		{"request", "support[0].details", "support.csirt_development"},
		{"request", "support[7].kind", "support"},
		{"request", "support", "support"},
		{"request", "partners[2].name", "partners"},
		{"request", "topics[0]", "topics"},
		{"request", "topic_other", "topic_other"},
		{"request", "timeframe", "timeframe"},
		{"section", "proposals.pledged.amount", "pledged_amount"},
		{"section", "consideration.staff[0]", "staff"},
		{"section", "activities.end", "end"},
		{"section", "missions.expert_ids[1]", "expert_ids"},
		{"section", "evaluation.challenges[2]", "challenges"},
		{"section", "expert_id", "expert_id"},
		{"expert", "available[1].to", "available"},
		{"expert", "conflicts[0]", "conflicts"},
		{"expert", "email", "email"},
	}
	for _, tc := range tests {
		var got string
		switch tc.kind {
		case "request":
			got = requestField(tc.field, rf)
		case "section":
			got = sectionField(tc.field)
		case "expert":
			got = expertField(tc.field)
		}
		if got != tc.want {
			t.Errorf("%s field %q goes beside %q, want %q", tc.kind, tc.field, got, tc.want)
		}
	}
}
