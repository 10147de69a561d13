trigger CaseCapture on Case(after insert, after update, after delete, after undelete) {
    new RecordChangeTriggerHandler().run();
}
