#!/bin/sh
printf '%s\n' '@PASSWORD@'
