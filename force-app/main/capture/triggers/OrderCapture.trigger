trigger OrderCapture on Order(after insert, after update, after delete, after undelete) {
    new RecordChangeTriggerHandler().run();
}
