package parsers

import (
	"strings"
	"testing"
)

// FuzzShadowserver parses Shadowserver CSV with the fixture schema, as
// report scan_a (the common columns), as list_c (the conversions that
// read other columns) and with the report detected from the header.
func FuzzShadowserver(f *testing.F) {
	for _, s := range []string{
		`"timestamp","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","sic","http","http_code","http_reason","content_type","connection","www_authenticate","set_cookie","server","content_length","transfer_encoding","http_date","version","build_date","detail"` + "\n" +
			`"2010-02-10 00:00:00",192.168.0.1,tcp,8080,node01.example.com,"basic-auth,http",64512,ZZ,Region,City,0,0,HTTP/1.1,401,Unauthorized,"text/html; charset=utf-8",,"Basic realm=\""OpenWebif\""",TWISTED_SESSION=5473ad3f,TwistedWeb/19.7.0,149,,"Wed, 10 Feb 2010 00:00:00 GMT",,,` + "\n",
		`"timestamp","ip","port","hostname","tag","application","asn","geo","region","city","url","http_host","category","system","detected_since","server","redirect_target","naics","sic","sector","cc_url","family"` + "\n" +
			`"2017-01-16 00:43:48","203.0.113.1",80,"example.com","hacked-webserver-stealrat-t1","http",64496,"AT","WIEN","VIENNA","/header.php","example.com","spam","WINNT","2015-05-09 05:51:12","Microsoft-IIS/7.5",,0,0,,,` + "\n",
		`"timestamp","ip","hostname","source","reason","asn","geo","region","city","naics","sic","sector","tag"` + "\n" +
			`"2019-09-04 07:00:19","198.123.245.0/24",,"Alien Vault","Malicious Host AA",5678,"XX","LOCATION","LOCATION",517311,0,,` + "\n",
		"timestamp,ip,port,asn,only_a,nat\n2024-03-01 10:20:30,192.0.2.7,443,0,unknown,Y\n2024-03-01 10:20:30,192.0.2.8,44x,AS1,,\n",
		"timestamp,ip,http_host,url,category,detail,tag,when,ratio,blob\n2024-03-01 10:20:30,192.0.2.1,bad.example,GET /x HTTP/1.1,,phish,cve-2021-26855,1484041530,1.5,hello\n",
	} {
		f.Add([]byte(s))
	}
	s := fixture(f)
	var ps []Parser
	for _, report := range []string{"scan_a", "list_c", ""} {
		p, err := New("shadowserver", Config{Shadowserver: s, Report: report})
		if err != nil {
			f.Fatal(err)
		}
		ps = append(ps, p)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range ps {
			checkParseInvariants(t, p, data)
		}
	})
}

// TestShadowserverFuzzSeedsParse checks the seeds parse as the fixture's
// reports, so the fuzz target starts from inputs that reach the lines.
func TestShadowserverFuzzSeedsParse(t *testing.T) {
	s := fixture(t)
	in := "timestamp,ip,port,asn,only_a,nat\n2024-03-01 10:20:30,192.0.2.7,443,0,unknown,Y\n"
	g := gather(t, "shadowserver", Config{Shadowserver: s, Report: "scan_a"}, strings.NewReader(in))
	if len(g.events) != 1 || g.events[0].Extra["nat"] != "true" {
		t.Errorf("%+v", g)
	}
}
