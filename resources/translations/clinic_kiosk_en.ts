<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>IdleOverlay</name>
    <message numerus="yes">
        <source>To keep your details private, the kiosk will start again in %n second(s).</source>
        <translation>
            <numerusform>To keep your details private, the kiosk will start again in %n second.</numerusform>
            <numerusform>To keep your details private, the kiosk will start again in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message numerus="yes">
        <source>This screen will close by itself in %n second(s).</source>
        <translation>
            <numerusform>This screen will close by itself in %n second.</numerusform>
            <numerusform>This screen will close by itself in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WaitingScreen</name>
    <message numerus="yes">
        <source>You have waited %n minute(s).</source>
        <translation>
            <numerusform>You have waited %n minute.</numerusform>
            <numerusform>You have waited %n minutes.</numerusform>
        </translation>
    </message>
</context>
</TS>
