package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddrKey is the context key under which TrustForwardedFor leaves the
// address it worked out.
type clientAddrKey struct{}

// ClientAddr returns the address of the client that sent r, for logs, the
// audit log and login throttling: the host part of r.RemoteAddr, unless
// TrustForwardedFor found the client behind a trusted proxy. Without that
// option X-Forwarded-For is ignored, because anyone can send it.
func ClientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(clientAddrKey{}).(string); ok {
		return a
	}
	return remoteHost(r.RemoteAddr)
}

// remoteHost strips the port from a RemoteAddr; an address without a port
// (a Unix socket, a test) comes back unchanged.
func remoteHost(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// TrustForwardedFor is the option that lets ClientAddr believe
// X-Forwarded-For, for a server behind load balancers or reverse proxies.
// proxies are the networks those proxies send from. When the request comes
// from one of them, the client is the rightmost X-Forwarded-For address
// that is not itself a trusted proxy: every proxy appends the address it
// received from, so entries to the left of the first untrusted one may have
// been written by the client and are ignored.
//
// Keep proxies narrow: trusting 0.0.0.0/0 lets any client choose the
// address it is logged under. With no proxies, next is returned unchanged.
func TrustForwardedFor(next http.Handler, proxies ...netip.Prefix) http.Handler {
	if len(proxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if addr, ok := forwardedClient(r, proxies); ok {
			r = r.WithContext(context.WithValue(r.Context(), clientAddrKey{}, addr))
		}
		next.ServeHTTP(w, r)
	})
}

// forwardedClient walks X-Forwarded-For from the right while each hop is a
// trusted proxy, and returns the first address that is not.
func forwardedClient(r *http.Request, proxies []netip.Prefix) (string, bool) {
	peer, err := netip.ParseAddr(remoteHost(r.RemoteAddr))
	if err != nil || !trusted(peer, proxies) {
		return "", false
	}
	hops := forwardedHops(r.Header.Values("X-Forwarded-For"))
	client := ""
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			// Garbage in the chain: stop at the last address we could
			// trust rather than guess.
			break
		}
		client = a.Unmap().String()
		if !trusted(a, proxies) {
			break
		}
	}
	return client, client != ""
}

// forwardedHops splits every X-Forwarded-For header into its addresses, in
// order; a repeated header counts as if joined by commas.
func forwardedHops(values []string) []string {
	var hops []string
	for _, v := range values {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				hops = append(hops, h)
			}
		}
	}
	return hops
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
