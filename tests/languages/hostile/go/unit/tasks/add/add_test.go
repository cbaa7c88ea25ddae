package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAdd(t *testing.T) {
	assert := assert.New(t)
	assert.Equal(5, Add(2, 3))
	assert.Equal(0, Add(-1, 1))
}

func TestAddLarge(t *testing.T) {
	if Add(1<<40, 1<<40) != 1<<41 {
		t.Fatal("Add(2^40, 2^40) != 2^41")
	}
}
