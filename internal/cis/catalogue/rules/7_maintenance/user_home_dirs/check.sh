maint_homes check
