package assistance

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// catalogs reads the package's message catalogs, by language.
func catalogs(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, lang := range []string{"en", "es", "pt", "fr"} {
		m := map[string]any{}
		if _, err := toml.DecodeFile(filepath.Join("..", "i18n", "catalog", "assistance."+lang+".toml"), &m); err != nil {
			t.Fatalf("reading the %s catalog: %v", lang, err)
		}
		out[lang] = m
	}
	return out
}

// TestCatalogNames has a name in every language for every fixed value the
// pages and the report show, under assistance.<group>.<value>.
func TestCatalogNames(t *testing.T) {
	var keys []string
	add := func(group string, values ...string) {
		for _, v := range values {
			keys = append(keys, "assistance."+group+"."+v)
		}
	}
	for _, v := range States {
		add("state", string(v))
	}
	for _, v := range SupportKinds {
		add("support", string(v))
	}
	for _, v := range Topics {
		add("topic", string(v))
	}
	for _, v := range Sectors {
		add("sector", string(v))
	}
	for _, v := range ProposalStatuses {
		add("proposal", string(v))
	}
	for _, v := range AnalysisKinds {
		add("analysis", string(v))
	}
	add("activity", string(Planned), string(Delivered), string(Cancelled))
	for _, v := range MissionKinds {
		add("mission", string(v))
	}
	add("adjustment", string(ByMember), string(ByMonitoring))
	for _, v := range ExpertKinds {
		add("expertkind", string(v))
	}
	for _, g := range []guard{guardForm, guardStaff, guardWorkPlan, guardAnalysis, guardActivity, guardDelivered, guardEvaluation, guardReason} {
		add("transition.guard", g.what)
	}
	add("transition", "invalid")
	for lang, m := range catalogs(t) {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: no %q", lang, k)
			}
		}
	}
}

// TestCatalogCodes finds every validation code the package's code can
// return and wants its message, invalid.<code>, in every language.
func TestCatalogCodes(t *testing.T) {
	codes := map[string]token.Position{}
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	must(t, "listing the package", err)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		must(t, "reading "+name, err)
		file, err := parser.ParseFile(fset, name, src, 0)
		must(t, "parsing "+name, err)
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				// newInvalid(field, code, ...), c.add(field, code, ...),
				// c.oneOf(field, code, ...) and valid.New(field, fullCode, ...).
				var fn string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					fn = f.Name
				case *ast.SelectorExpr:
					fn = "." + f.Sel.Name
				}
				prefix, known := map[string]string{"newInvalid": "assistance.", ".add": "assistance.", ".oneOf": "assistance.", ".New": ""}[fn]
				if len(n.Args) < 2 || !known {
					return true
				}
				if lit, ok := n.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, _ := strconv.Unquote(lit.Value)
					codes[prefix+v] = fset.Position(lit.Pos())
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "guard" && len(n.Elts) > 0 {
					if lit, ok := n.Elts[0].(*ast.BasicLit); ok {
						v, _ := strconv.Unquote(lit.Value)
						codes["assistance.transition.guard."+v] = fset.Position(lit.Pos())
					}
				}
			}
			return true
		})
	}
	if len(codes) < 40 {
		t.Fatalf("found only %d codes: the scan misses calls", len(codes))
	}
	for lang, m := range catalogs(t) {
		for code, pos := range codes {
			if _, ok := m["invalid."+code]; !ok {
				t.Errorf("%s: no invalid.%s (used at %s)", lang, code, pos)
			}
		}
	}
}
