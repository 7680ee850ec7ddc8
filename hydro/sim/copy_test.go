package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type inner struct {
	tags map[string][]int
	p    *int
}

type outer struct {
	Name  string
	in    inner
	List  []inner
	Any   any
	Array [2]*int
}

func TestDeepCopySharesNothing(t *testing.T) {
	one, two := 1, 2
	v := outer{
		Name:  "x",
		in:    inner{tags: map[string][]int{"a": {1, 2}}, p: &one},
		List:  []inner{{tags: map[string][]int{"b": {3}}}},
		Any:   inner{p: &two},
		Array: [2]*int{&one, nil},
	}
	c := deepCopy(v).(outer)
	assert.Equal(t, v, c)
	c.in.tags["a"][0] = 99
	*c.in.p = 7
	c.List[0].tags["b"] = nil
	*c.Any.(inner).p = 8
	assert.Equal(t, 1, v.in.tags["a"][0])
	assert.Equal(t, 1, one)
	assert.Equal(t, []int{3}, v.List[0].tags["b"])
	assert.Equal(t, 2, two)
	assert.Nil(t, deepCopy(nil))
	assert.Equal(t, 5, deepCopy(5))
}
