pwconv
