package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"cleancity/portal/store/storetest"
	"cleancity/survey"
	"cleancity/survey/surveydb"
)

func TestSurveyRebuildTalliesCommand(t *testing.T) {
	cs := storetest.NewCommandStore(t)
	db := cs.DB(t)
	ctx := context.Background()
	st := surveydb.New(db)
	t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	r := survey.Round{ID: "r1", Status: survey.Open, Threshold: 0.9, CreatedAt: t0, UpdatedAt: t0, Version: 1,
		Plan: survey.Plan{Strata: []survey.Stratum{{ID: "D01", Communities: 4}}, Units: []survey.Unit{{ID: "U1", Stratum: "D01", District: "D01", Residents: 100, Target: 5}}}}
	if err := st.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	var list []survey.Response
	for i, status := range []survey.ResponseStatus{survey.Accepted, survey.Accepted, survey.Rejected} {
		list = append(list, survey.Response{ID: survey.ResponseID("r1", string(rune('a'+i))), RoundID: "r1", ClientID: string(rune('a' + i)),
			Unit: "U1", Stratum: "D01", District: "D01", Satisfied: 1, Correct: 8, Answered: 10, Aware: 1, AgeGroup: "60+", Sex: "F",
			Status: status, ReceivedAt: t0, Version: 1})
	}
	for _, err := range st.InsertResponses(ctx, list) {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Lose the tallies, as a database from before them would.
	if _, err := db.Collection(surveydb.CollTallies).DeleteMany(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, append([]string{"survey", "rebuild-tallies", "--round", "r1"}, cs.Flags...), strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("rebuild: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "round r1: 3 responses in 1 units") {
		t.Errorf("output %q", out.String())
	}
	// A new handle: on PostgreSQL the command may have created collections.
	db = cs.DB(t)
	st = surveydb.New(db)
	var head struct {
		Built bool     `bson:"built"`
		Units []string `bson:"units"`
	}
	if err := db.Collection(surveydb.CollTallies).FindOne(ctx, bson.D{{Key: "_id", Value: "r1"}}).Decode(&head); err != nil || !head.Built || len(head.Units) != 1 {
		t.Fatalf("head %+v %v", head, err)
	}
	counts, err := st.CountByUnitStatus(ctx, "r1")
	if err != nil || counts[survey.Accepted]["U1"] != 2 || counts[survey.Rejected]["U1"] != 1 {
		t.Fatalf("counts %v %v", counts, err)
	}
	if err := run(ctx, append([]string{"survey", "rebuild-tallies", "--round", "nope"}, cs.Flags...), strings.NewReader(""), &out, &errOut); err == nil {
		t.Error("unknown round accepted")
	}
	if err := run(ctx, []string{"survey"}, strings.NewReader(""), &out, &errOut); err == nil {
		t.Error("no subcommand accepted")
	}
}
