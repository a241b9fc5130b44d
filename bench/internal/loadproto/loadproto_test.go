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

func TestFanoutRoundTrip(t *testing.T) {
	f := Fanout{Conns: 10000, Size: 64, Broadcasts: 20, Deliveries: 200000, Seconds: 4.5, P50us: 9000, P99us: 21000.5, MaxUs: 25000}
	got, err := DecodeFanout(f.Encode())
	if err != nil || got != f {
		t.Fatalf("DecodeFanout(Encode(f)) = %+v, %v; want %+v", got, err, f)
	}
	if _, err := DecodeFanout(Ready); err == nil {
		t.Error("DecodeFanout of a marker line succeeded")
	}
}
