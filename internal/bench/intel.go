package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/intel"
	"atalaya/internal/stix"
)

// intelBench holds what the intel scenarios need: a token of the Mexican
// analyst, the network collection, the shared indicators.
type intelBench struct {
	base, token, collection string
	ids                     []string
	values                  []string
}

// seedIntel shares n indicators as the Mexican national team (one Put, as
// an import would) and creates a token for the TAXII and API scenarios.
func seedIntel(ctx context.Context, a *app.App, base string, n int) (*intelBench, error) {
	actor, err := app.ActorForEmail(ctx, a, "analyst@csirt-mx.example")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	b := &intelBench{base: base}
	objs := make([]json.RawMessage, 0, n)
	for i := range n {
		// Documentation addresses: never on a warning list, so they correlate.
		v := fmt.Sprintf("2001:db8:%x::%x", i>>16, i&0xffff)
		objs = append(objs, benchIndicator(now, v))
		b.values = append(b.values, v)
	}
	rep, err := a.Intel.Put(ctx, actor, objs, intel.PutOptions{Sharing: intel.Sharing{TLP: access.TLPGreen, Members: true}, Source: "bench"})
	if err != nil {
		return nil, err
	}
	if len(rep.Refused) > 0 {
		return nil, fmt.Errorf("%d indicators refused: %s", len(rep.Refused), rep.Refused[0].Message)
	}
	for _, r := range rep.Accepted {
		b.ids = append(b.ids, r.ID)
	}
	_, b.token, err = a.Auth.CreateToken(ctx, actor, "bench", []access.Scope{access.ScopeWrite}, 0)
	if err != nil {
		return nil, err
	}
	cols, err := a.Intel.Collections(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		if c.Alias == "network" {
			b.collection = c.ID
		}
	}
	return b, nil
}

func benchIndicator(now time.Time, ip string) json.RawMessage {
	kind := "ipv4-addr"
	if strings.Contains(ip, ":") {
		kind = "ipv6-addr"
	}
	ind := stix.NewIndicator(now, "bench "+ip, "["+kind+":value = '"+ip+"']")
	raw, _ := stix.Encode(ind)
	return raw
}

func (b *intelBench) do(req *http.Request, want int) error {
	req.Header.Set("Authorization", "Bearer "+b.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s answered %d: %.200s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return nil
}

func (b *intelBench) taxii(rel string) error {
	req, err := http.NewRequest(http.MethodGet, b.base+"/taxii2/network/collections/"+b.collection+"/"+rel, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/taxii+json;version=2.1")
	return b.do(req, http.StatusOK)
}

func (b *intelBench) taxiiPage(n int) error { return b.taxii(fmt.Sprintf("objects/?limit=%d", n)) }

func (b *intelBench) taxiiManifest(n int) error { return b.taxii(fmt.Sprintf("manifest/?limit=%d", n)) }

func (b *intelBench) lookup(i int) error {
	req, err := http.NewRequest(http.MethodGet, b.base+"/api/v1/lookup?value="+b.values[i%len(b.values)], nil)
	if err != nil {
		return err
	}
	return b.do(req, http.StatusOK)
}

func (b *intelBench) searchPath(i int) string {
	return "/intel?q=" + url.QueryEscape(b.values[i%len(b.values)])
}

func (b *intelBench) objectPath(i int) string { return "/intel/" + b.ids[i%len(b.ids)] }

// upload posts a bundle of n new indicators through the REST API.
func (b *intelBench) upload(i, n int) error {
	now := time.Now()
	objs := make([]json.RawMessage, n)
	for j := range objs {
		objs[j] = benchIndicator(now, fmt.Sprintf("2001:db8:ffff:%x::%x", i, j))
	}
	body, err := json.Marshal(stix.NewBundle(objs))
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, b.base+"/api/v1/intel/objects?tlp=green&members=true", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/stix+json;version=2.1")
	return b.do(req, http.StatusOK)
}
