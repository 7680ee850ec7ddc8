package netio

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// stdJSON is what encoding/json writes for v with HTML escaping off.
func stdJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "\b\f\n\r\t\x00\x1f\x7f", "<&>", "é\u2028\u2029😀", "\xff\xfe bad", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := AppendJSONString([]byte("x"), s), append([]byte("x"), stdJSON(t, s)...); !bytes.Equal(got, want) {
			t.Errorf("AppendJSONString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	})
}

func FuzzAppendJSONBytes(f *testing.F) {
	f.Add([]byte(nil), false)
	f.Add([]byte{}, true)
	f.Add([]byte("any bytes \x00\xff"), true)
	f.Fuzz(func(t *testing.T, b []byte, nonNil bool) {
		if !nonNil {
			b = nil
		} else if b == nil {
			b = []byte{}
		}
		if got, want := AppendJSONBytes(nil, b), stdJSON(t, b); !bytes.Equal(got, want) {
			t.Errorf("AppendJSONBytes(%q) = %s, encoding/json writes %s", b, got, want)
		}
	})
}

func FuzzAppendJSONFloat(f *testing.F) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-6, 9.99e-7, 1e20, 1e21, 123456789e-15, math.MaxFloat64, math.SmallestNonzeroFloat64, math.MaxFloat32, 3.4e-39} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			if got, err := AppendJSONFloat([]byte("x"), x, 64); !errors.Is(err, ErrJSONFloat) || string(got) != "x" {
				t.Errorf("AppendJSONFloat(%v) = %s, %v; want x, ErrJSONFloat", x, got, err)
			}
			return
		}
		if got, err := AppendJSONFloat(nil, x, 64); err != nil || !bytes.Equal(got, stdJSON(t, x)) {
			t.Errorf("AppendJSONFloat(%v, 64) = %s, %v; encoding/json writes %s", x, got, err, stdJSON(t, x))
		}
		if y := float32(x); !math.IsInf(float64(y), 0) {
			if got, err := AppendJSONFloat(nil, float64(y), 32); err != nil || !bytes.Equal(got, stdJSON(t, y)) {
				t.Errorf("AppendJSONFloat(%v, 32) = %s, %v; encoding/json writes %s", y, got, err, stdJSON(t, y))
			}
		}
	})
}
