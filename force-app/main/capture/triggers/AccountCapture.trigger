trigger AccountCapture on Account(after insert, after update, after delete, after undelete) {
    new RecordChangeTriggerHandler().run();
}
