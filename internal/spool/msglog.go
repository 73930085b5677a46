package spool

import "strings"

// Message logs (msglog/<id>), as Exim keeps them with message_logs: the
// "Received from" line, then a line for each delivery, failure and
// deferral, the file going when the message does. exigo writes a
// message's log only once it stays on the queue: a message delivered in
// its first attempt would have its log created and deleted at once, so
// its Received line waits in memory (NoteReceived) for the attempt to
// say whether it is needed (TakeReceived, AppendMsglog).

// NoteReceived keeps the stamped "Received from" line of a message just
// spooled until FlushReceived or TakeReceived.
func (sp *Spool) NoteReceived(id, line string) {
	sp.msglogMu.Lock()
	defer sp.msglogMu.Unlock()
	if sp.received == nil {
		sp.received = map[string]string{}
	}
	sp.received[id] = line
}

// TakeReceived returns (and forgets) the line NoteReceived kept.
func (sp *Spool) TakeReceived(id string) string {
	sp.msglogMu.Lock()
	defer sp.msglogMu.Unlock()
	line := sp.received[id]
	delete(sp.received, id)
	return line
}

// FlushReceived writes the kept Received line to the message log: the
// message stays queued.
func (sp *Spool) FlushReceived(id string) error {
	if line := sp.TakeReceived(id); line != "" {
		return sp.AppendMsglog(id, []string{line})
	}
	return nil
}

// AppendMsglog adds lines (each stamped, without its newline) to the
// message log of id.
func (sp *Spool) AppendMsglog(id string, lines []string) error {
	if len(lines) == 0 {
		return nil
	}
	f, err := sp.OpenMsglog(id)
	if err != nil {
		return err
	}
	_, err = f.WriteString(strings.Join(lines, "\n") + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
