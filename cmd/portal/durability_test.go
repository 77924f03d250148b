package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// acknowledgedWrites makes writes that got a 2xx on the portal at base and
// returns checks that each is still readable after the process died. (The
// demo city itself, seeded before the portal said it was ready, is checked
// by the caller.)
func acknowledgedWrites(t *testing.T, base string) []func(t *testing.T, base string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"category":    "garbage",
		"description": "小区门口垃圾桶满了两天没人清运，气味很大。",
		"lat":         27.8412,
		"lon":         113.1437,
	})
	resp, err := http.Post(base+"api/v1/complaints", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var filed struct {
		TrackingCode string `json:"tracking_code"`
		Status       string `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&filed); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || filed.TrackingCode == "" {
		t.Fatalf("filing answered %d %+v", resp.StatusCode, filed)
	}
	return []func(t *testing.T, base string){
		func(t *testing.T, base string) {
			status, tracked := getJSON(t, base+"api/v1/track/"+filed.TrackingCode)
			if status != http.StatusOK || tracked["category"] == nil {
				t.Fatalf("complaint %s acknowledged with 201 is gone after kill -9: %d %v", filed.TrackingCode, status, tracked)
			}
		},
	}
}
