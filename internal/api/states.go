package api

import (
	"net/http"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/directory"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

func (a *API) listStates(w http.ResponseWriter, r *http.Request, c caller) error {
	// The member states are reference data compiled in, but listing them
	// is reading the directory: access decides, as for every other read.
	if !access.Can(c.actor, access.ViewDirectory, access.Target{}) {
		return access.ErrDenied
	}
	return a.writeJSON(w, r, http.StatusOK, items(directory.MemberStates()))
}

// stateBody is a member state with its current points of contact.
type stateBody struct {
	directory.MemberState
	Contacts []directory.Contact `json:"contacts"`
}

// memberState reads the {code} of the path (alpha-2 or alpha-3, any
// case); a code that is not a member state's is a missing resource.
func memberState(r *http.Request) (directory.MemberState, error) {
	m, ok := directory.LookupMemberState(r.PathValue("code"))
	if !ok {
		return m, store.ErrNotFound
	}
	return m, nil
}

func (a *API) getState(w http.ResponseWriter, r *http.Request, c caller) error {
	m, err := memberState(r)
	if err != nil {
		return err
	}
	contacts, err := a.dir.CurrentContacts(r.Context(), c.actor, m.Code)
	if err != nil {
		return err
	}
	if contacts == nil {
		contacts = []directory.Contact{}
	}
	return a.writeJSON(w, r, http.StatusOK, stateBody{MemberState: m, Contacts: contacts})
}

// listContacts answers the current contacts of a member state or, with
// ?history=1, every contact it ever named, newest first; ?kind= narrows
// either to one kind.
func (a *API) listContacts(w http.ResponseWriter, r *http.Request, c caller) error {
	m, err := memberState(r)
	if err != nil {
		return err
	}
	q := queryOf(r)
	kind, history := directory.ContactKind(q.get("kind")), q.get("history")
	if err := q.err(); err != nil {
		return err
	}
	if kind != "" && !kind.Valid() {
		return valid.New("kind", "contact.kind", "The kind is one of incident_response, policy, cybercrime.",
			map[string]any{"Value": string(kind)})
	}
	var contacts []directory.Contact
	switch strings.ToLower(history) {
	case "1", "true":
		contacts, err = a.dir.ContactHistory(r.Context(), c.actor, m.Code, kind)
	case "", "0", "false":
		contacts, err = a.currentContacts(r, c, m.Code, kind)
	default:
		return valid.New("history", "query.boolean", "history is 1 or 0.", nil)
	}
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(contacts))
}

func (a *API) currentContacts(r *http.Request, c caller, country string, kind directory.ContactKind) ([]directory.Contact, error) {
	all, err := a.dir.CurrentContacts(r.Context(), c.actor, country)
	if err != nil || kind == "" {
		return all, err
	}
	var out []directory.Contact
	for _, x := range all {
		if x.Kind == kind {
			out = append(out, x)
		}
	}
	return out, nil
}

// nominationRequest is the body of a nomination; the country is the path's.
type nominationRequest struct {
	Kind        directory.ContactKind `json:"kind"`
	PersonID    string                `json:"person_id"`
	NominatedOn string                `json:"nominated_on"`
	Note        string                `json:"note"`
}

func (a *API) nominateContact(w http.ResponseWriter, r *http.Request, c caller) error {
	m, err := memberState(r)
	if err != nil {
		return err
	}
	var req nominationRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	contact, err := a.dir.NominateContact(r.Context(), c.actor, directory.Nomination{Country: m.Code,
		Kind: req.Kind, PersonID: req.PersonID, NominatedOn: req.NominatedOn, Note: req.Note})
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusCreated, contact)
}

// endRequest is the optional body of ending a contact.
type endRequest struct {
	EndedOn string `json:"ended_on"` // YYYY-MM-DD; "" or absent means today
}

func (a *API) endContact(w http.ResponseWriter, r *http.Request, c caller) error {
	var req endRequest
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	contact, err := a.dir.EndContact(r.Context(), c.actor, r.PathValue("id"), req.EndedOn)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, contact)
}
