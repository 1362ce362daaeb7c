package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"atalaya/internal/valid"
)

func newBundle(t *testing.T) *Bundle {
	t.Helper()
	b, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return b
}

func TestMatch(t *testing.T) {
	b := newBundle(t)
	tests := []struct {
		name, setting, accept, want string
	}{
		{"nothing known", "", "", "en"},
		{"setting wins over header", "fr", "es-MX,es;q=0.9", "fr"},
		{"setting with region", "pt-BR", "", "pt"},
		{"unsupported setting falls to header", "de", "es", "es"},
		{"malformed setting falls to header", "!!", "pt", "pt"},
		{"es-MX", "", "es-MX", "es"},
		{"pt-BR", "", "pt-BR", "pt"},
		{"fr-CA", "", "fr-CA", "fr"},
		{"es-419", "", "es-419", "es"},
		{"en-US with q", "", "en-US,en;q=0.9", "en"},
		{"first unsupported, second supported", "", "de-DE,de;q=0.9,fr;q=0.5", "fr"},
		{"q order beats list order", "", "es;q=0.2,pt;q=0.8", "pt"},
		{"only unsupported", "", "zh-CN,ja;q=0.5", "en"},
		{"wildcard", "", "*", "en"},
		{"garbage header", "", ";;;q=x", "en"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.Match(tc.setting, tc.accept); got != tc.want {
				t.Errorf("Match(%q, %q) = %q, want %q", tc.setting, tc.accept, got, tc.want)
			}
		})
	}
}

func TestLanguages(t *testing.T) {
	got := Languages()
	if strings.Join(got, ",") != "en,es,pt,fr" {
		t.Fatalf("Languages() = %v", got)
	}
	got[0] = "xx"
	if Languages()[0] != "en" {
		t.Fatal("Languages shares its slice with callers")
	}
}

func TestFor(t *testing.T) {
	b := newBundle(t)
	for _, tc := range []struct{ lang, want string }{{"es", "es"}, {"fr", "fr"}, {"de", "en"}, {"", "en"}} {
		if got := b.For(tc.lang).Lang(); got != tc.want {
			t.Errorf("For(%q).Lang() = %q, want %q", tc.lang, got, tc.want)
		}
	}
}

func TestT(t *testing.T) {
	b := newBundle(t)
	tests := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{"plain en", "en", "nav.teams", nil, "Teams"},
		{"plain es", "es", "nav.teams", nil, "Equipos"},
		{"plain pt", "pt", "nav.sign_out", nil, "Sair"},
		{"plain fr", "fr", "nav.member_states", nil, "États membres"},
		{"pairs", "es", "page.position", []any{"Page", 2, "Pages", 7}, "Página 2 de 7"},
		{"map", "fr", "page.position", []any{map[string]any{"Page": 1, "Pages": 3}}, "Page 1 sur 3"},
		{"string map", "en", "page.position", []any{map[string]string{"Page": "4", "Pages": "9"}}, "Page 4 of 9"},
		{"odd args keep the pairs", "en", "page.position", []any{"Page", 1, "Pages", 2, "Extra"}, "Page 1 of 2"},
		{"missing key is the key", "es", "no.such.key", nil, "no.such.key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.For(tc.lang).T(tc.key, tc.args...); got != tc.want {
				t.Errorf("T(%q) in %s = %q, want %q", tc.key, tc.lang, got, tc.want)
			}
		})
	}
}

func TestMissingTranslationFallsBackToEnglish(t *testing.T) {
	fsys := fstest.MapFS{
		"catalog/x.en.toml": {Data: []byte(`"only.en" = "Only English"`)},
		"catalog/x.es.toml": {Data: []byte(`"other" = "Otro"`)},
	}
	b, err := newFromFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.For("es").T("only.en"); got != "Only English" {
		t.Errorf("T = %q, want the English text", got)
	}
}

func TestNewRejectsBrokenTemplate(t *testing.T) {
	fsys := fstest.MapFS{"catalog/x.en.toml": {Data: []byte(`"bad" = "{{.Name"`)}}
	if _, err := newFromFS(fsys); err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Fatalf("newFromFS err = %v, want one naming the key", err)
	}
}

func TestN(t *testing.T) {
	b := newBundle(t)
	tests := []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 0, "0 results"},
		{"en", 1, "1 result"},
		{"en", 2, "2 results"},
		{"en", 1234, "1,234 results"},
		{"es", 1, "1 resultado"},
		{"es", 0, "0 resultados"},
		{"es", 1234, "1234 resultados"},
		{"es", 1000000, "1.000.000 de resultados"},
		{"pt", 0, "0 resultado"}, // Portuguese counts 0 as one
		{"pt", 2, "2 resultados"},
		{"fr", 1, "1 résultat"},
		{"fr", 0, "0 résultat"}, // so does French
		{"fr", 12345, "12\u00a0345 résultats"},
		{"fr", 2000000, "2\u00a0000\u00a0000 de résultats"},
	}
	for _, tc := range tests {
		t.Run(tc.lang+"/"+tc.want, func(t *testing.T) {
			if got := b.For(tc.lang).N("list.results", tc.count); got != tc.want {
				t.Errorf("N(list.results, %d) in %s = %q, want %q", tc.count, tc.lang, got, tc.want)
			}
		})
	}
	if got := b.For("en").N("no.such.plural", 3); got != "no.such.plural" {
		t.Errorf("missing plural = %q, want the key", got)
	}
}

func TestInvalid(t *testing.T) {
	b := newBundle(t)
	tests := []struct {
		name, lang string
		err        *valid.Error
		want       string
	}{
		{"catalog message with args", "es", &valid.Error{Field: "body", Code: "json.syntax", Args: map[string]any{"Offset": 17}, Message: "bad JSON"},
			"El cuerpo de la solicitud no es JSON válido (error cerca del byte 17)."},
		{"catalog message en", "en", &valid.Error{Field: "x", Code: "json.unknown_field", Message: "unknown"}, "This field is not accepted here."},
		{"unknown code falls back to message", "fr", &valid.Error{Field: "x", Code: "no.such.code", Message: "x is wrong"}, "x is wrong"},
		{"unknown code and no message", "fr", &valid.Error{Field: "x", Code: "no.such.code"}, "invalid.no.such.code"},
		{"nil", "en", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.For(tc.lang).Invalid(tc.err); got != tc.want {
				t.Errorf("Invalid = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDateAndNumber(t *testing.T) {
	b := newBundle(t)
	nov := time.Date(2026, time.November, 23, 14, 5, 59, 0, time.UTC)
	may := time.Date(2027, time.May, 3, 9, 7, 0, 0, time.UTC)
	feb := time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		lang                           string
		nov, may, feb, dateTime        string
		small, medium, large, negative string
	}{
		{"en", "23 Nov 2026", "3 May 2027", "1 Feb 2026", "3 May 2027, 09:07", "999", "1,234", "1,234,567", "-12,345"},
		{"es", "23 nov 2026", "3 may 2027", "1 feb 2026", "3 may 2027, 09:07", "999", "1234", "1.234.567", "-12.345"},
		{"pt", "23 de nov. de 2026", "3 de mai. de 2027", "1 de fev. de 2026", "3 de mai. de 2027, 09:07", "999", "1.234", "1.234.567", "-12.345"},
		{"fr", "23 nov. 2026", "3 mai 2027", "1 févr. 2026", "3 mai 2027, 09:07", "999", "1\u00a0234", "1\u00a0234\u00a0567", "-12\u00a0345"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			l := b.For(tc.lang)
			check := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s in %s = %q, want %q", what, tc.lang, got, want)
				}
			}
			check("Date(nov)", l.Date(nov), tc.nov)
			check("Date(may)", l.Date(may), tc.may)
			check("Date(feb)", l.Date(feb), tc.feb)
			check("DateTime(may)", l.DateTime(may), tc.dateTime)
			check("Number(999)", l.Number(999), tc.small)
			check("Number(1234)", l.Number(1234), tc.medium)
			check("Number(1234567)", l.Number(1234567), tc.large)
			check("Number(-12345)", l.Number(-12345), tc.negative)
		})
	}
}

func TestDateUsesTheTimesLocation(t *testing.T) {
	b := newBundle(t)
	zone := time.FixedZone("UTC-5", -5*3600)
	t0 := time.Date(2026, time.January, 1, 2, 0, 0, 0, time.UTC).In(zone)
	if got := b.For("en").DateTime(t0); got != "31 Dec 2025, 21:00" {
		t.Errorf("DateTime = %q, want the time in its own zone", got)
	}
}

func BenchmarkT(b *testing.B) {
	bundle, err := New()
	if err != nil {
		b.Fatal(err)
	}
	l := bundle.For("es")
	b.ReportAllocs()
	for b.Loop() {
		_ = l.T("nav.teams")
	}
}

func BenchmarkTWithArgs(b *testing.B) {
	bundle, err := New()
	if err != nil {
		b.Fatal(err)
	}
	l := bundle.For("fr")
	b.ReportAllocs()
	for b.Loop() {
		_ = l.T("page.position", "Page", 2, "Pages", 9)
	}
}
