trigger LeadCapture on Lead(after insert, after update, after delete, after undelete) {
    new RecordChangeTriggerHandler().run();
}
