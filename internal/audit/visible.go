package audit

import "atalaya/internal/access"

// TokenObject is the object type of API-token entries (written by auth).
// Their entries follow the tokens' own rule, so the log never shows what
// the tokens page hides: another organisation's token names and prefixes.
const TokenObject = "api_token"

// Visible reports whether actor a may read entry e: the audit rule for the
// organisation the entry is about (the whole log for the secretariat
// admin, the own organisation's entries for a team admin), and for token
// entries the token rule on top. Every path that shows entries (pages,
// API, exports) filters with it.
func Visible(a access.Actor, e Entry) bool {
	if !access.Can(a, access.ViewAudit, access.Target{OrgID: e.OrgID}) {
		return false
	}
	return e.ObjectType != TokenObject || access.Can(a, access.ViewTokens, access.Target{OrgID: e.OrgID})
}
