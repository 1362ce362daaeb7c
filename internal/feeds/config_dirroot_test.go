package feeds

import (
	"testing"

	"atalaya/internal/valid"
)

// TestDirRoot: a watched directory must be inside Options.DirRoot when one
// is set, since pulls move its files away.
func TestDirRoot(t *testing.T) {
	s := &Service{opts: Options{DirRoot: "/srv/atalaya/incoming"}}
	cases := []struct {
		dir  string
		want string // code of the problem on "dir", "" when accepted
	}{
		{"/srv/atalaya/incoming/shadowserver", ""},
		{"/srv/atalaya/incoming", ""},
		{"/srv/atalaya/incoming/../atalaya.db", "feeds_dir_root"},
		{"/etc", "feeds_dir_root"},
		{"/srv/atalaya/incoming-other", "feeds_dir_root"},
		{"relative/dir", "feeds_dir"},
	}
	for _, c := range cases {
		var es valid.Errors
		s.validateSource(Feed{Source: SourceDir, Dir: c.dir}, &es)
		got := ""
		for _, e := range es {
			if e.Field == "dir" {
				got = e.Code
			}
		}
		if got != c.want {
			t.Errorf("dir %q: problem %q, want %q", c.dir, got, c.want)
		}
	}
	var es valid.Errors
	(&Service{}).validateSource(Feed{Source: SourceDir, Dir: "/etc"}, &es)
	if len(es) != 0 {
		t.Errorf("without a root any absolute path is accepted, got %v", es)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://feed.example/list.csv?apikey=secret": "https://feed.example/list.csv?…",
		"https://user:pw@feed.example/x":              "https://feed.example/x",
		"https://feed.example/x":                      "https://feed.example/x",
		"":                                            "",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
