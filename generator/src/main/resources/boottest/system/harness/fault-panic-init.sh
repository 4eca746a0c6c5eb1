#!/bin/sh
# boot-test fault (harness): an init that exits at once
echo "BOOTTEST-FAULT: init exits"
exit 1
