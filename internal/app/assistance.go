package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/alerts"
	"atalaya/internal/assistance"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
)

// newAssistance builds technical assistance; donors given by directory id
// are named from the directory.
func (a *App) newAssistance() {
	a.Assistance = assistance.New(a.DB, assistance.Options{
		OrgName: func(ctx context.Context, orgID string) (string, error) {
			o, err := a.Directory.GetOrganization(ctx, auth.SystemActor(), orgID)
			if err != nil {
				return "", err
			}
			return o.Name, nil
		},
	})
}

// reminderEvery is how often overdue steps are looked for; each request is
// reminded at most once a day (assistance.DueReminders keeps track).
const reminderEvery = time.Hour

// remindOverdue mails the secretariat's staff the technical-assistance
// steps past due, until ctx ends. The same steps show in the app on the
// dashboard and the board; without an SMTP server there is no mail.
func (a *App) remindOverdue(ctx context.Context) {
	if a.Config.Mail.Host == "" {
		return
	}
	t := time.NewTicker(reminderEvery)
	defer t.Stop()
	for {
		if err := a.SendReminders(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.Logger.Error("technical assistance reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendReminders mails the secretariat's staff one message listing the
// steps due for a reminder (the hourly loop of Start calls it).
func (a *App) SendReminders(ctx context.Context) error {
	due, err := a.Assistance.DueReminders(ctx)
	if err != nil || len(due) == 0 {
		return err
	}
	to, err := a.secretariatStaff(ctx)
	if err != nil {
		return err
	}
	if len(to) == 0 {
		a.Logger.Warn("technical assistance reminders: no secretariat staff with an e-mail", "overdue", len(due))
		return nil
	}
	subject, body := assistance.ReminderText(due)
	return alerts.SendText(ctx, a.Config.Mail, to, subject, body, time.Now())
}

// secretariatStaff is the e-mail of every active secretariat admin and
// officer: they run the program's workflow.
func (a *App) secretariatStaff(ctx context.Context) ([]string, error) {
	sys := auth.SystemActor()
	orgs, _, err := a.Directory.ListOrganizations(ctx, sys, directory.Filter{Kind: directory.Secretariat, Limit: 10})
	if err != nil {
		return nil, fmt.Errorf("finding the secretariat: %w", err)
	}
	var to []string
	for _, o := range orgs {
		after := ""
		for {
			users, next, err := a.Auth.ListUsers(ctx, sys, auth.Filter{OrgID: o.ID, After: after, Limit: 500})
			if err != nil {
				return nil, fmt.Errorf("listing the secretariat's staff: %w", err)
			}
			for _, u := range users {
				if !u.Disabled && (slices.Contains(u.Roles, access.SecretariatAdmin) || slices.Contains(u.Roles, access.SecretariatOfficer)) {
					to = append(to, u.Email)
				}
			}
			if next == "" {
				break
			}
			after = next
		}
	}
	return to, nil
}
