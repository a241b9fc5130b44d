package task

import "unsafe"

// A Task keeps its Body in one word, not in an interface value's two.
//
// The Body is always the object the Task heads: package async's task cell
// embeds the Task as its first field, so a Body interface value made from
// the cell points at the Task. Its data word repeats the Task's own
// address, and only its type word, the method table of the cell's type,
// tells the Task something. That is the word the Task keeps (tokio's
// task header likewise keeps one vtable pointer, not a trait object),
// and body rebuilds the interface value from it and the Task's address.
//
// This relies on the layout of an interface value, two words, the type's
// method table then the data pointer; package sync/atomic's Value relies on
// it as well (efaceWords). setBody checks it at every Init, so a change of
// layout, or a Body that is not the object its Task heads, panics there
// instead of corrupting anything.

// ifaceWords is the layout of a non-empty interface value.
type ifaceWords struct {
	tab  unsafe.Pointer // the method table of the dynamic type
	data unsafe.Pointer // the value, here a pointer to the Body
}

// setBody records body, which must be the object t heads.
func (t *Task) setBody(body Body) {
	w := (*ifaceWords)(unsafe.Pointer(&body))
	if w.tab == nil || w.data != unsafe.Pointer(t) {
		panic("task: Init with a Body that is not the object the Task heads (a pointer to a struct whose first field is the Task)")
	}
	t.bodyTab = w.tab
}

// body returns the Body set by Init.
func (t *Task) body() Body {
	var b Body
	w := (*ifaceWords)(unsafe.Pointer(&b))
	w.tab, w.data = t.bodyTab, unsafe.Pointer(t)
	return b
}
