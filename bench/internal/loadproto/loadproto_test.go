package loadproto

import "testing"

func TestRoundTrip(t *testing.T) {
	r := Result{Conns: 100, Size: 64, Messages: 12345, Seconds: 5.001, MsgsPerSec: 2468.5, P50us: 700, P99us: 1400.5}
	got, err := Decode(r.Encode())
	if err != nil || got != r {
		t.Fatalf("Decode(Encode(r)) = %+v, %v; want %+v", got, err, r)
	}
	if _, err := Decode("warm"); err == nil {
		t.Error("Decode of a marker line succeeded")
	}
}
