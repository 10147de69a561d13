trigger ContactCapture on Contact(after insert, after update, after delete, after undelete) {
    new RecordChangeTriggerHandler().run();
}
