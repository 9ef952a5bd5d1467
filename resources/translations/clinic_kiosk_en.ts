<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>CheckInScreen</name>
    <message>
        <location filename="../../ui/screens/check_in.py" line="190"/>
        <source>Checking your code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="192"/>
        <source>Please type all %1 numbers of your code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="194"/>
        <source>That code didn&apos;t work. Please check the letter or text message and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="196"/>
        <source>That code has already been used. Please ask a member of staff at reception.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="198"/>
        <source>That code is no longer valid. Please ask a member of staff at reception.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="200"/>
        <location filename="../../ui/screens/check_in.py" line="202"/>
        <source>Please ask a member of staff at reception. They can check you in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="204"/>
        <source>The kiosk can&apos;t reach the clinic just now. Please try again in a minute, or ask a member of staff.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="235"/>
        <source>Type the %1-digit code from your letter or text message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="224"/>
        <source>Are you here to see %1 at %2?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="206"/>
        <source>Sorry, the kiosk lost its link to the clinic. Please type your code again to get back your place.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="229"/>
        <source>Demonstration: the code %1 works today.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="233"/>
        <location filename="../../ui/screens/check_in.py" line="237"/>
        <location filename="../../ui/screens/check_in.py" line="238"/>
        <source>Check in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="239"/>
        <source>Checks you in with the code you typed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="241"/>
        <source>A member of staff has set up this kiosk for this appointment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="242"/>
        <location filename="../../ui/screens/check_in.py" line="243"/>
        <source>Yes, that&apos;s me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="243"/>
        <source>Checks you in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="244"/>
        <location filename="../../ui/screens/check_in.py" line="245"/>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="246"/>
        <source>Lets you type the code from your letter or text message instead.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CodeBoxes</name>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="107"/>
        <source>Your code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="109"/>
        <source>%1 of %2 numbers typed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConsultationScreen</name>
    <message>
        <location filename="../../ui/screens/consultation.py" line="182"/>
        <source>the specialist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="184"/>
        <source>Connecting you to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="186"/>
        <source>Waiting for the video from %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="189"/>
        <source>Your camera is off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="189"/>
        <source>Your camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="192"/>
        <source>Connection: good</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="193"/>
        <source>Connection: fair. The picture may be less clear.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="195"/>
        <source>Connection: poor. The picture or sound may break up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="197"/>
        <source>Connection: checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="205"/>
        <source>You are muted: the specialist can&apos;t hear you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="207"/>
        <source>Your camera is off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="214"/>
        <location filename="../../ui/screens/consultation.py" line="216"/>
        <source>Unmute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="217"/>
        <source>Your microphone is off. Touch to let the specialist hear you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="219"/>
        <location filename="../../ui/screens/consultation.py" line="221"/>
        <source>Mute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="222"/>
        <source>Turns your microphone off so the specialist can&apos;t hear you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="224"/>
        <location filename="../../ui/screens/consultation.py" line="226"/>
        <source>Turn camera on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="227"/>
        <source>Your camera is off. Touch to let the specialist see you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="229"/>
        <location filename="../../ui/screens/consultation.py" line="231"/>
        <source>Turn camera off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="232"/>
        <source>Stops the specialist seeing you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="233"/>
        <source>Volume: %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="238"/>
        <source>The specialist&apos;s video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="239"/>
        <source>Your camera picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="241"/>
        <source>The connection dropped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="242"/>
        <source>Reconnecting… You don&apos;t need to do anything.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="243"/>
        <location filename="../../ui/screens/consultation.py" line="244"/>
        <source>Quieter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="244"/>
        <source>Turns the sound down.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="245"/>
        <location filename="../../ui/screens/consultation.py" line="246"/>
        <source>Louder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="246"/>
        <source>Turns the sound up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="247"/>
        <location filename="../../ui/screens/consultation.py" line="248"/>
        <source>I need help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="249"/>
        <source>Tells a member of staff that you need help. The call carries on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="250"/>
        <location filename="../../ui/screens/consultation.py" line="251"/>
        <source>End call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="252"/>
        <source>Asks if you are sure, then ends the video call.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="254"/>
        <source>Do you want to end the call?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="255"/>
        <source>If you end it, the specialist will not be able to talk to you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="256"/>
        <source>Yes, end the call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="256"/>
        <source>Ends the video call now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="257"/>
        <source>No, carry on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="257"/>
        <source>Goes back to the call.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeviceChecksScreen</name>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="251"/>
        <source>Check %1 of 3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="252"/>
        <source>Checks finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="255"/>
        <source>We can hear you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="255"/>
        <source>Listening…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="256"/>
        <source>Volume: %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="267"/>
        <source>Carry on anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="267"/>
        <source>Goes on without working sound.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="270"/>
        <source>You can still talk to the specialist: they will hear you, but not see you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="274"/>
        <location filename="../../ui/screens/device_checks.py" line="282"/>
        <source>Try a different camera:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="275"/>
        <location filename="../../ui/screens/device_checks.py" line="283"/>
        <source>Carry on without video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="276"/>
        <location filename="../../ui/screens/device_checks.py" line="284"/>
        <source>Goes on to the next check. The specialist will hear you but not see you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="279"/>
        <source>You couldn&apos;t see yourself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="287"/>
        <source>The microphone couldn&apos;t hear you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="288"/>
        <source>Try again and speak a little louder. If it still doesn&apos;t work, a member of staff can help: touch &quot;I need help&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="289"/>
        <source>Try a different microphone:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="290"/>
        <source>Goes on to the next check without a working microphone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="292"/>
        <source>You couldn&apos;t hear the sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="293"/>
        <source>The sound may be too quiet. Try again and we will play it louder. If you use a hearing aid, a member of staff can help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="295"/>
        <source>The sound is already as loud as it goes. Try again and listen carefully. If you use a hearing aid, a member of staff can help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="297"/>
        <source>Try different speakers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="307"/>
        <source>Uses this device and tries the check again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="311"/>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="311"/>
        <source>Microphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="312"/>
        <source>Sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="312"/>
        <source>Internet connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="313"/>
        <source>Working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="313"/>
        <source>Working, but not perfectly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="314"/>
        <source>Not working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="314"/>
        <source>Not checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="315"/>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="269"/>
        <source>The camera here does not work today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="272"/>
        <source>You can still talk to the specialist: they will hear you, but not see you. If something is in front of the camera, move it and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="280"/>
        <source>Make sure nothing is in front of the camera, then try again. Or you can carry on with sound only: the specialist will still hear you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="328"/>
        <source>You are all set for your video call.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="329"/>
        <source>Some things are not working. You can still carry on, or touch &quot;I need help&quot; and a member of staff will come.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="333"/>
        <source>Your camera picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="334"/>
        <source>Starting the camera…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="335"/>
        <source>Can you see yourself?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="337"/>
        <source>Look at the picture. You should see yourself, like in a mirror.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="338"/>
        <source>Yes, I can see myself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="339"/>
        <source>The camera works. Goes on to the next check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="340"/>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="340"/>
        <location filename="../../ui/screens/device_checks.py" line="353"/>
        <source>Shows what you can do to fix it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="341"/>
        <source>Let&apos;s check the microphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="343"/>
        <source>Please say &quot;Hello&quot; out loud. The blocks light up when the microphone hears you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="344"/>
        <source>The blocks don&apos;t light up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="345"/>
        <source>Tells us the microphone can&apos;t hear you and shows what you can do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="346"/>
        <source>Let&apos;s check the sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="348"/>
        <source>Touch &quot;Play a sound&quot; and listen. Did you hear the sound?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="349"/>
        <source>Play a sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="349"/>
        <source>Plays a short chime.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="350"/>
        <source>Yes, I heard it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="351"/>
        <source>The sound works. Goes on to the next step.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="352"/>
        <source>No</source>
        <comment>answer to: did you hear the sound?</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="354"/>
        <source>Play it again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="354"/>
        <source>Plays the chime again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="355"/>
        <source>Quieter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="355"/>
        <source>Turns the sound down.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="356"/>
        <source>Louder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="356"/>
        <source>Turns the sound up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="357"/>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="357"/>
        <source>Does this check again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="358"/>
        <source>Your checks are finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="359"/>
        <source>Continue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="360"/>
        <source>Goes to the waiting room for your appointment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="361"/>
        <source>Do the checks again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="362"/>
        <source>Does all three checks again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FaceScale</name>
    <message>
        <location filename="../../ui/widgets/faces.py" line="181"/>
        <source>Very bad</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="181"/>
        <source>Bad</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="181"/>
        <source>Okay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="182"/>
        <source>Good</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="182"/>
        <source>Very good</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="186"/>
        <source>Answer %1 out of 5.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FeedbackScreen</name>
    <message>
        <location filename="../../ui/screens/feedback.py" line="249"/>
        <source>Thank you for using the kiosk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="301"/>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="301"/>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="311"/>
        <source>Choose this answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="331"/>
        <location filename="../../ui/screens/feedback.py" line="362"/>
        <source>Your answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="362"/>
        <source>Type your answer here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="400"/>
        <source>Question %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="403"/>
        <source>The call has ended. Please tell us how it went: it helps us improve. You can skip any question.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="407"/>
        <location filename="../../ui/screens/feedback.py" line="408"/>
        <location filename="../../ui/screens/feedback.py" line="410"/>
        <location filename="../../ui/screens/feedback.py" line="411"/>
        <source>Finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="408"/>
        <source>Finishes and says goodbye.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="412"/>
        <source>Saves your answer and finishes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="414"/>
        <location filename="../../ui/screens/feedback.py" line="415"/>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="416"/>
        <source>Saves your answer and shows the next question.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="417"/>
        <location filename="../../ui/screens/feedback.py" line="418"/>
        <source>Skip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="419"/>
        <source>Goes on to the next question with no answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="420"/>
        <location filename="../../ui/screens/feedback.py" line="421"/>
        <source>Finish now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="422"/>
        <source>Stops the questions. Answers you gave are kept.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../../ui/widgets/header.py" line="99"/>
        <location filename="../../ui/widgets/header.py" line="100"/>
        <source>Read aloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="101"/>
        <source>Reads this screen out loud. Touch the screen to stop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="102"/>
        <location filename="../../ui/widgets/header.py" line="103"/>
        <source>Start again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="104"/>
        <source>Clears everything you have typed and goes back to the first screen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="105"/>
        <location filename="../../ui/widgets/header.py" line="106"/>
        <source>I need help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="107"/>
        <source>Tells a member of staff that you need help.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="193"/>
        <source>Someone from reception is coming.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="194"/>
        <source>Their name is %1. Please stay where you are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="195"/>
        <source>Please stay where you are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="199"/>
        <source>The call to the specialist was cut off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="200"/>
        <source>Please ask at reception. A member of staff has been told.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="204"/>
        <source>Help is on its way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="205"/>
        <source>A member of staff has been told. Please stay where you are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="209"/>
        <source>Asking for help…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="210"/>
        <source>We are letting a member of staff know. Please stay where you are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="212"/>
        <location filename="../../ui/widgets/overlays.py" line="213"/>
        <source>Close this message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="214"/>
        <source>Hides this message. Staff have still been asked to help you.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="142"/>
        <source>Are you still there?</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/widgets/overlays.py" line="143"/>
        <source>To keep your details safe, the kiosk will start again in %n second(s).</source>
        <translation>
            <numerusform>To keep your details safe, the kiosk will start again in %n second.</numerusform>
            <numerusform>To keep your details safe, the kiosk will start again in %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="146"/>
        <location filename="../../ui/widgets/overlays.py" line="147"/>
        <source>I&apos;m still here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="148"/>
        <source>Carries on from where you were.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>KioskController</name>
    <message>
        <location filename="../../ui/controller.py" line="284"/>
        <source>Video calls will work well here.</source>
        <extracomment>The last ``status`` handed to the engine for the hub (step, detail).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/controller.py" line="285"/>
        <source>Video may be poor; we will try.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/controller.py" line="286"/>
        <source>We cannot connect. Please ask a member of staff.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <location filename="../../ui/widgets/level_meter.py" line="23"/>
        <source>Microphone level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/level_meter.py" line="24"/>
        <source>The blocks light up when the microphone hears you.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/window.py" line="386"/>
        <location filename="../../ui/window.py" line="396"/>
        <source>Staff mode</source>
        <extracomment>Steps where &quot;Start again&quot; is offered in the header (safe: nothing is lost but typing). Steps without the header: the call has its own &quot;I need help&quot;; admin is for staff.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NumPad</name>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="56"/>
        <source>Types the number %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="57"/>
        <location filename="../../ui/widgets/numpad.py" line="58"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="58"/>
        <source>Removes the last number you typed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="124"/>
        <source>Types %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="148"/>
        <location filename="../../ui/widgets/keyboard.py" line="149"/>
        <source>Capitals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="150"/>
        <source>The next letter you type will be a capital letter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="152"/>
        <location filename="../../ui/widgets/keyboard.py" line="153"/>
        <source>Accents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="154"/>
        <source>Shows letters with accents in the top row of letters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="155"/>
        <location filename="../../ui/widgets/keyboard.py" line="156"/>
        <source>Space</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="156"/>
        <source>Types a space between words.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="157"/>
        <location filename="../../ui/widgets/keyboard.py" line="158"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="158"/>
        <source>Removes the last letter you typed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="78"/>
        <source>This kiosk is not ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="79"/>
        <source>Please ask at reception.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="84"/>
        <source>Shows the kiosk in this language: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Screen</name>
    <message>
        <location filename="../../ui/screens/base.py" line="164"/>
        <source>You can touch:</source>
        <extracomment>Label roles read as a screen&apos;s heading, and as its instructions. Button roles that are keys (digits, letters), never read as choices. Follow-up questions that may still be asked: (id, the id of the question deciding it).</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message numerus="yes">
        <location filename="../../ui/screens/thanks.py" line="60"/>
        <source>This screen will close by itself in %n second(s).</source>
        <translation>
            <numerusform>This screen will close by itself in %n second.</numerusform>
            <numerusform>This screen will close by itself in %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="63"/>
        <source>Thank you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="64"/>
        <source>You can leave the kiosk now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="65"/>
        <source>Please remember to take your things with you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="66"/>
        <location filename="../../ui/screens/thanks.py" line="67"/>
        <source>Finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="68"/>
        <source>Goes back to the welcome screen for the next person.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WaitingScreen</name>
    <message>
        <location filename="../../ui/screens/waiting.py" line="120"/>
        <source>You have waited less than a minute.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/screens/waiting.py" line="121"/>
        <source>You have waited %n minute(s).</source>
        <translation>
            <numerusform>You have waited %n minute.</numerusform>
            <numerusform>You have waited %n minutes.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="125"/>
        <source>%1 will join you soon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="127"/>
        <source>The specialist will join you soon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="134"/>
        <source>Message from %1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="136"/>
        <source>Message from the clinic:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="144"/>
        <source>You are checked in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="146"/>
        <source>Please stay near the screen. The call will start by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="148"/>
        <source>Reconnecting to the clinic… You don&apos;t need to do anything. You will not lose your place.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="150"/>
        <source>This is how you will look:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="151"/>
        <source>Your camera picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="152"/>
        <source>Your camera picture will show here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="153"/>
        <location filename="../../ui/screens/waiting.py" line="154"/>
        <source>Leave the waiting room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="155"/>
        <source>Asks if you are sure, then cancels your check-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="157"/>
        <source>Do you want to leave the waiting room?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="158"/>
        <source>You will lose your place and need to check in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="159"/>
        <source>Yes, leave</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="159"/>
        <source>Cancels your check-in and goes back to the start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="160"/>
        <source>No, stay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="160"/>
        <source>Keeps your place in the waiting room.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <location filename="../../ui/screens/welcome.py" line="144"/>
        <source>Welcome to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="146"/>
        <source>Check in here to see your specialist on a video call.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="147"/>
        <location filename="../../ui/screens/welcome.py" line="148"/>
        <source>Touch to start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="149"/>
        <source>Starts checking you in for your appointment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="150"/>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="151"/>
        <source>Make the screen easier to read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="153"/>
        <source>Shows the kiosk in this language: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="159"/>
        <source>On</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="159"/>
        <source>Off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="160"/>
        <source>Larger text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="161"/>
        <source>High contrast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="164"/>
        <source>Read every screen aloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="168"/>
        <source>Reads each new screen out loud. It is on now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="169"/>
        <source>Reads each new screen out loud. It is off now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="171"/>
        <source>Makes all the writing bigger. It is on now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="172"/>
        <source>Makes all the writing bigger. It is off now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="174"/>
        <source>Shows yellow and white on black. It is on now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="176"/>
        <source>Shows yellow and white on black. It is off now.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
