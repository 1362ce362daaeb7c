package alerts

import (
	"strings"
	"testing"

	"atalaya/internal/event"
	"atalaya/internal/valid"
)

func TestCompileRefuses(t *testing.T) {
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, expr, code string
		msg              []string // parts the English message must hold
	}{
		{"empty", "  ", "alert_rule_expr_required", nil},
		{"too long", strings.Repeat("true && ", 600) + "true", "alert_rule_expr_long", nil},
		{"syntax error", `classification.type == "phishing" &&`, "alert_rule_expr",
			[]string{"line 1, column", "Syntax error"}},
		{"position of an unknown name", `source.port == 443 && bogus == 1`, "alert_rule_expr",
			[]string{"line 1, column 23", "bogus"}},
		{"syntax error on the second line", "source.port == 443 &&\n  source.ip ==", "alert_rule_expr",
			[]string{"line 2"}},
		{"unknown field", `source.adress == "192.0.2.1"`, "alert_rule_expr",
			[]string{"line 1, column", "undeclared reference", "source.adress"}},
		{"wrong type", `source.port == "443"`, "alert_rule_expr", []string{"no matching overload"}},
		{"not a boolean", `source.ip`, "alert_rule_not_bool", []string{"string"}},
		{"a number", `source.port + 1`, "alert_rule_not_bool", []string{"int"}},
		{"too costly", `[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c,
			[1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, a+b+c+d+e > 0)))))`, "alert_rule_cost",
			[]string{"at most 100000"}},
		{"too costly over extra", `extra.exists(k, extra.exists(l, extra[k] + extra[l] == raw))`, "alert_rule_cost", nil},
		{"bad constant regular expression", `source.fqdn.matches("(")`, "alert_rule_expr", []string{"line"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compile(env, tc.expr)
			es := valid.List(err)
			if len(es) != 1 {
				t.Fatalf("compile(%q) = %v, want one valid error", tc.expr, err)
			}
			if es[0].Field != "expr" || es[0].Code != tc.code {
				t.Errorf("got field %q code %q, want expr %s (%s)", es[0].Field, es[0].Code, tc.code, es[0].Message)
			}
			for _, m := range tc.msg {
				if !strings.Contains(es[0].Message, m) {
					t.Errorf("message %q lacks %q", es[0].Message, m)
				}
			}
		})
	}
}

// TestEveryFieldIsAVariable: each harmonisation name can be used in a
// rule, with a value equal to what the event says.
func TestEveryFieldIsAVariable(t *testing.T) {
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	// One value per field, in the form Set accepts; rules compare the
	// variable with a literal of its CEL type.
	values := map[string][2]string{
		"time.source":               {"2024-05-01T09:00:00Z", `time.source == timestamp("2024-05-01T09:00:00Z")`},
		"time.observation":          {"2024-05-01T09:05:00Z", `time.observation == timestamp("2024-05-01T09:05:00Z")`},
		"feed.name":                 {"openphish", `feed.name == "openphish"`},
		"feed.provider":             {"OpenPhish", `feed.provider == "OpenPhish"`},
		"feed.accuracy":             {"87.5", `feed.accuracy == 87.5`},
		"feed.url":                  {"https://openphish.com/feed.txt", `feed.url == "https://openphish.com/feed.txt"`},
		"source.ip":                 {"2001:db8::7", `source.ip == "2001:db8::7"`},
		"source.port":               {"8080", `source.port == 8080`},
		"source.asn":                {"AS64496", `source.asn == 64496`},
		"source.as_name":            {"EXAMPLE-AS", `source.as_name == "EXAMPLE-AS"`},
		"source.geolocation.cc":     {"uy", `source.geolocation.cc == "UY"`},
		"source.fqdn":               {"WWW.Example.UY", `source.fqdn == "www.example.uy"`},
		"source.url":                {"http://www.example.uy/a", `source.url == "http://www.example.uy/a"`},
		"source.network":            {"192.0.2.0/24", `source.network == "192.0.2.0/24"`},
		"destination.ip":            {"198.51.100.1", `destination.ip == "198.51.100.1"`},
		"destination.port":          {"25", `destination.port == 25`},
		"destination.asn":           {"64497", `destination.asn == 64497`},
		"destination.fqdn":          {"mx.example.org", `destination.fqdn == "mx.example.org"`},
		"destination.url":           {"https://example.org/c2", `destination.url == "https://example.org/c2"`},
		"protocol.transport":        {"tcp", `protocol.transport == "tcp"`},
		"protocol.application":      {"https", `protocol.application == "https"`},
		"malware.name":              {"Emotet", `malware.name == "emotet"`},
		"classification.taxonomy":   {"malicious-code", `classification.taxonomy == "malicious-code"`},
		"classification.type":       {"infected-system", `classification.type == "infected-system"`},
		"classification.identifier": {"emotet", `classification.identifier == "emotet"`},
		"event_description.text":    {"seen in sinkhole", `event_description.text.contains("sinkhole")`},
		"tlp":                       {"amber", `tlp == "amber"`},
		"raw":                       {"a,b,c", `raw == "a,b,c"`},
	}
	for _, name := range event.Fields() {
		t.Run(name, func(t *testing.T) {
			v, ok := values[name]
			if !ok {
				t.Fatalf("field %s has no case here: add one", name)
			}
			d := delivery(t, 1, "org-a", map[string]string{name: v[0]})
			if name == "classification.type" {
				d = delivery(t, 1, "org-a", map[string]string{"classification.taxonomy": "malicious-code", name: v[0]})
			}
			prg, err := compile(env, v[1])
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			if ok, err := match(prg, newActivation(&d)); err != nil || !ok {
				t.Errorf("%s over an event with %s=%q: %v, %v; want true", v[1], name, v[0], ok, err)
			}
			// Over an event without the field the same rule is false.
			empty := delivery(t, 2, "org-a", nil)
			if ok, err := match(prg, newActivation(&empty)); err != nil || ok {
				t.Errorf("%s over an event without %s: %v, %v; want false", v[1], name, ok, err)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	bot := botnet(t, 1, "org-a")
	bot.By, bot.Key, bot.Repeats = "watch", "indicator--1", 3
	ph := phishing(t, 2, "org-a")
	cases := []struct {
		name    string
		expr    string
		d       *activation
		want    bool
		wantErr bool
	}{
		{"type equals", `classification.type == "infected-system"`, newActivation(&bot), true, false},
		{"type differs", `classification.type == "infected-system"`, newActivation(&ph), false, false},
		{"port range", `source.port >= 400 && source.port < 500`, newActivation(&bot), true, false},
		{"suffix", `source.fqdn.endsWith(".uy")`, newActivation(&ph), true, false},
		{"unset text is empty", `source.fqdn.endsWith(".uy")`, newActivation(&bot), false, false},
		{"in list", `malware.name in ["emotet", "qakbot"]`, newActivation(&bot), true, false},
		{"regex", `source.url.matches("^https?://login\\.")`, newActivation(&ph), true, false},
		{"time", `time.source > timestamp("2024-05-01T09:15:00Z")`, newActivation(&bot), true, false},
		{"extra present", `extra["botnet_id"] == "E4"`, newActivation(&bot), true, false},
		{"extra missing is an error", `extra["botnet_id"] == "E4"`, newActivation(&ph), false, true},
		{"extra guarded", `"botnet_id" in extra && extra["botnet_id"] == "E4"`, newActivation(&ph), false, false},
		{"has on extra", `has(extra.botnet_id)`, newActivation(&bot), true, false},
		{"has on extra, absent", `has(extra.botnet_id)`, newActivation(&ph), false, false},
		{"or absorbs an error", `extra["x"] == "y" || classification.type == "phishing"`, newActivation(&ph), true, false},
		{"delivery by watch", `delivery.by == "watch" && delivery.key == "indicator--1"`, newActivation(&bot), true, false},
		{"repeats", `delivery.repeats > 2`, newActivation(&bot), true, false},
		{"asn", `source.asn == 64496`, newActivation(&bot), true, false},
		{"a scan of raw within the cost", `raw.contains("emotet") || extra.exists(k, extra[k].contains("E4"))`, newActivation(&bot), true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prg, err := compile(env, tc.expr)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			got, err := match(prg, tc.d)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("got %v, %v; want %v, error %v", got, err, tc.want, tc.wantErr)
			}

		})
	}
}

// FuzzCompile: a rule is text typed by a team; no text may crash the
// compiler or an evaluation, and whatever compiles gives a boolean.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`classification.type == "phishing"`,
		`source.fqdn.endsWith(".gov.uy") || source.ip.startsWith("190.64.")`,
		`extra["botnet_id"] == "E4"`,
		`source.port in [23, 2323] && delivery.repeats > 1`,
		`time.source > timestamp("2024-01-01T00:00:00Z")`,
		`[1,2,3].exists(x, x == source.port)`,
		`source.url.matches("^https?://")`,
		`"a" + `,
		`size(raw) > 10`,
	} {
		f.Add(s)
	}
	env, err := newEnv()
	if err != nil {
		f.Fatal(err)
	}
	bot := botnet(f, 1, "org-a")
	f.Fuzz(func(t *testing.T, expr string) {
		prg, err := compile(env, expr)
		if err != nil {
			if len(valid.List(err)) == 0 {
				t.Fatalf("compile(%q) gave a non-valid error: %v", expr, err)
			}
			return
		}
		if _, err := match(prg, newActivation(&bot)); err == errNotBool {
			t.Fatalf("%q compiled but did not give a boolean", expr)
		}
	})
}
