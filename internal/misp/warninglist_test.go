package misp

import (
	"os"
	"slices"
	"testing"
	"testing/fstest"

	"atalaya/internal/sharedtest"
	"atalaya/internal/valid"
)

// realLists loads the misp-warninglists sample in shared test data.
func realLists(t testing.TB) *WarningLists {
	t.Helper()
	w, err := LoadWarningLists(os.DirFS(sharedtest.Path(t, "misp", "warninglists")))
	if err != nil {
		t.Fatalf("LoadWarningLists: %v", err)
	}
	return w
}

func TestWarningListsMatchRealLists(t *testing.T) {
	w := realLists(t)
	if n := len(w.Lists()); n != 12 {
		t.Fatalf("loaded %d lists, want the 12 of the sample", n)
	}
	tests := []struct {
		name, value string
		want        []string
	}{
		{"private address", "10.1.2.3", []string{"rfc1918", "rfc5735"}},
		{"private address, 172.16/12", "172.31.255.254", []string{"rfc1918", "rfc5735"}},
		{"public resolver", "8.8.8.8", nil},
		{"gmail sending address", "209.85.128.27", []string{"google-gmail-sending-ips"}},
		{"gmail sending IPv6", "2001:4860:4864::1", []string{"google-gmail-sending-ips"}},
		{"block inside a private block", "10.20.0.0/16", []string{"rfc1918", "rfc5735"}},
		{"block wider than the list's", "10.0.0.0/7", nil},
		{"carrier-grade NAT", "100.64.1.1", []string{"rfc6598"}},
		{"link-local IPv6, upper case list entry", "fe80::1", []string{"ipv6-linklocal"}},
		{"multicast, also reserved by RFC 5735", "239.1.2.3", []string{"multicast", "rfc5735"}},
		{"cloudflare", "104.16.0.1", []string{"cloudflare"}},
		{"shortener", "bit.ly", []string{"url-shortener"}},
		{"shortener, other case", "Bit.LY", []string{"url-shortener"}},
		{"subdomain of a shortener", "x.bit.ly", []string{"url-shortener"}},
		{"URL on a shortener", "https://bit.ly/3abcd", []string{"url-shortener"}},
		{"URL with user and port", "http://u:p@T.CO:8080/x?y#z", []string{"url-shortener"}},
		{"URL of a private address", "http://10.0.0.1/x", nil},
		{"name merely ending like a shortener", "notbit.ly", nil},
		{"empty-file MD5", "d41d8cd98f00b204e9800998ecf8427e", []string{"empty-hashes"}},
		{"empty-file MD5, upper case", "D41D8CD98F00B204E9800998ECF8427E", []string{"empty-hashes"}},
		{"other MD5", "1cd71d3bb891df0b251249da0cdcf7e1", nil},
		{"special-use name", "example.org", []string{"rfc6761"}},
		{"string lists match whole values only", "www.example.org", nil},
		{"a TLD alone", "com", []string{"tlds"}},
		{"ordinary domain", "misp-project.org", nil},
		{"composite domain|ip", "misp-project.org|192.168.1.1", []string{"rfc1918", "rfc5735"}},
		{"empty", "  ", nil},
		{"garbage", "not an ip/32", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := w.Match(tc.value); !slices.Equal(got, tc.want) {
				t.Errorf("Match(%q) = %q, want %q", tc.value, got, tc.want)
			}
		})
	}
}

func TestLoadWarningListsRefusesBadLists(t *testing.T) {
	list := func(typ, entry string) fstest.MapFS {
		return fstest.MapFS{"lists/bad/list.json": {Data: []byte(`{"name":"Bad","type":"` + typ + `","list":["` + entry + `"]}`)}}
	}
	tests := []struct {
		name, field string
		fsys        fstest.MapFS
	}{
		{"unknown type", "lists/bad/list.json.list[0]", list("fuzzy", "x")},
		{"bad CIDR", "lists/bad/list.json.list[0]", list("cidr", "10.0.0.0/33")},
		{"regex Go cannot compile", "lists/bad/list.json.list[0]", list("regex", "/(?<=a)b/")},
		{"not JSON", "lists/bad/list.json", fstest.MapFS{"lists/bad/list.json": {Data: []byte("{")}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadWarningLists(tc.fsys)
			errs := valid.List(err)
			if len(errs) != 1 || errs[0].Field != tc.field || errs[0].Code != CodeWarningList {
				t.Fatalf("err = %v, want one %s error on %s", err, CodeWarningList, tc.field)
			}
		})
	}
}

func TestWarningListsSubstringAndRegex(t *testing.T) {
	fsys := fstest.MapFS{
		"lists/sub/list.json":   {Data: []byte(`{"name":"S","type":"substring","list":["Tracker"]}`)},
		"lists/re/list.json":    {Data: []byte(`{"name":"R","type":"regex","list":["/^test-[0-9]+$/i"]}`)},
		"lists/plain/list.json": {Data: []byte(`{"name":"P","type":"regex","list":["^plain$"]}`)},
	}
	w, err := LoadWarningLists(fsys)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		value string
		want  []string
	}{
		{"ad.tracker.example", []string{"sub"}},
		{"TEST-42", []string{"re"}},
		{"test-x", nil},
		{"plain", []string{"plain"}},
		{"Plain", nil},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			if got := w.Match(tc.value); !slices.Equal(got, tc.want) {
				t.Errorf("Match(%q) = %q, want %q", tc.value, got, tc.want)
			}
		})
	}
}
